#include "hub/snapshot.hpp"

#include <doctest/doctest.h>

using namespace llmctl::hub;

TEST_CASE("include and exclude globs select files as huggingface_hub does") {
  CHECK(is_selected("config.json", {}, {}));
  CHECK(is_selected("config.json", {"*.json"}, {}));
  CHECK_FALSE(is_selected("model.safetensors", {"*.json"}, {}));
  CHECK(is_selected("sub/dir/x.json", {"*.json"}, {}));  // fnmatch: '*' crosses '/'
  CHECK(is_selected("onnx/model.onnx", {"onnx/"}, {}));  // "dir/" means "dir/*"
  CHECK_FALSE(is_selected("model.onnx", {"onnx/"}, {}));
  CHECK(is_selected("a.bin", {"*.json", "*.bin"}, {}));
  CHECK_FALSE(is_selected("a.bin", {}, {"*.bin"}));
  CHECK_FALSE(is_selected("a.json", {"*.json"}, {"a.*"}));
  CHECK(is_selected("model-00001-of-00002.safetensors", {"model-0000?-of-*.safetensors"}, {}));
}

TEST_CASE("file states have stable names for -o json") {
  CHECK(std::string(file_state_name(FileState::cached)) == "cached");
  CHECK(std::string(file_state_name(FileState::missing)) == "missing");
  CHECK(std::string(file_state_name(FileState::downloaded)) == "downloaded");
}
