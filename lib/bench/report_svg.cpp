// Hand-written SVG charts (no plotting dependency): panels with linear axes,
// "nice" tick steps (1, 2, 5 x 10^k) and polylines.
#include "bench/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace llmctl::bench {

namespace {

struct Series {
  std::string name;
  std::string color;
  std::vector<std::pair<double, double>> points;
};

double nice_step(double range, int ticks) {
  if (!(range > 0)) return 1.0;
  const double raw = range / ticks;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out.push_back(c);
  }
  return out;
}

// One panel at (x0, y0) of size w x h.
std::string panel(double x0, double y0, double w, double h, const std::string& title, const std::string& xlabel,
                  const std::string& ylabel, const std::vector<Series>& series, bool y_unit_interval) {
  const double left = x0 + 60, right = x0 + w - 15, top = y0 + 30, bottom = y0 + h - 45;
  double xmax = 0, ymax = y_unit_interval ? 1.0 : 0;
  double xmin = 0;
  bool any = false;
  for (const auto& s : series)
    for (const auto& [x, y] : s.points) {
      xmax = std::max(xmax, x);
      if (!y_unit_interval) ymax = std::max(ymax, y);
      any = true;
    }
  if (!any || xmax <= xmin) xmax = xmin + 1;
  if (ymax <= 0) ymax = 1;
  const double xstep = nice_step(xmax - xmin, 5), ystep = y_unit_interval ? 0.25 : nice_step(ymax, 5);
  xmax = std::ceil(xmax / xstep) * xstep;
  if (!y_unit_interval) ymax = std::ceil(ymax / ystep) * ystep;
  const auto px = [&](double x) { return left + (x - xmin) / (xmax - xmin) * (right - left); };
  const auto py = [&](double y) { return bottom - y / ymax * (bottom - top); };
  std::string out = fmt::format("<g font-family=\"sans-serif\" font-size=\"11\">\n");
  out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"13\" font-weight=\"bold\">{}</text>\n", left, y0 + 18,
                     escape(title));
  for (double x = xmin; x <= xmax + xstep / 2; x += xstep) {
    out += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#ddd\"/>\n", px(x), top, bottom);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{:g}</text>\n", px(x), bottom + 14, x);
  }
  for (double y = 0; y <= ymax + ystep / 2; y += ystep) {
    out += fmt::format("<line x1=\"{0:.1f}\" y1=\"{2:.1f}\" x2=\"{1:.1f}\" y2=\"{2:.1f}\" stroke=\"#ddd\"/>\n", left, right, py(y));
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{:g}</text>\n", left - 4, py(y) + 4, y);
  }
  out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"none\" stroke=\"#333\"/>\n",
                     left, top, right - left, bottom - top);
  out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", (left + right) / 2, bottom + 32,
                     escape(xlabel));
  out += fmt::format("<text transform=\"translate({:.1f},{:.1f}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n", x0 + 14,
                     (top + bottom) / 2, escape(ylabel));
  double legend_y = top + 14;
  for (const auto& s : series) {
    std::string pts;
    for (const auto& [x, y] : s.points) pts += fmt::format("{:.1f},{:.1f} ", px(x), py(y));
    out += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\" points=\"{}\"/>\n", s.color, pts);
    if (series.size() > 1) {
      out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"{}\">{}</text>\n", right - 110, legend_y, s.color, escape(s.name));
      legend_y += 14;
    }
  }
  return out + "</g>\n";
}

// Empirical CDF in ms: the sorted values against i/n, subsampled to <= 400 points.
Series cdf(std::vector<double> seconds, const std::string& color) {
  Series s;
  s.color = color;
  std::sort(seconds.begin(), seconds.end());
  const std::size_t n = seconds.size();
  const std::size_t stride = std::max<std::size_t>(1, n / 400);
  for (std::size_t i = 0; i < n; i += stride) s.points.emplace_back(seconds[i] * 1000.0, static_cast<double>(i + 1) / n);
  if (n > 0) s.points.emplace_back(seconds.back() * 1000.0, 1.0);
  return s;
}

std::string document(double w, double h, const std::string& title, const std::string& body) {
  return fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\">\n"
                     "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
                     "<title>{2}</title>\n"
                     "<text x=\"10\" y=\"20\" font-family=\"sans-serif\" font-size=\"15\">{2}</text>\n{3}</svg>\n",
                     w, h, escape(title), body);
}

}  // namespace

std::string latency_cdf_svg(const std::vector<RequestResult>& results, const BenchmarkMetrics& m, const std::string& title) {
  std::vector<double> ttft, tpot, itl, e2el;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    if (!r.success) continue;
    ttft.push_back(r.ttft);
    e2el.push_back(r.latency);
    if (r.output_tokens > 1 && i < m.tpots.size()) tpot.push_back(m.tpots[i]);
    itl.insert(itl.end(), r.itl.begin(), r.itl.end());
  }
  std::string body;
  body += panel(0, 30, 480, 300, "TTFT", "ms", "fraction of requests", {cdf(ttft, "#1f77b4")}, true);
  body += panel(480, 30, 480, 300, "TPOT", "ms", "fraction of requests", {cdf(tpot, "#ff7f0e")}, true);
  body += panel(0, 330, 480, 300, "ITL", "ms", "fraction of gaps", {cdf(itl, "#2ca02c")}, true);
  body += panel(480, 330, 480, 300, "E2EL", "ms", "fraction of requests", {cdf(e2el, "#d62728")}, true);
  return document(960, 640, title, body);
}

std::string sweep_svg(const std::vector<SweepPoint>& points, const std::string& title) {
  Series tput{"output tok/s", "#1f77b4", {}}, rps{"req/s", "#9467bd", {}};
  Series ttft_med{"median TTFT", "#1f77b4", {}}, ttft_hi{"P99 TTFT", "#aec7e8", {}};
  Series tpot_med{"median TPOT", "#ff7f0e", {}}, tpot_hi{"P99 TPOT", "#ffbb78", {}};
  const auto hi = [](const Distribution& d) { return d.percentiles.empty() ? d.median : d.percentiles.back().second; };
  for (const auto& p : points) {
    const auto c = static_cast<double>(p.concurrency);
    tput.points.emplace_back(c, p.metrics.output_throughput);
    rps.points.emplace_back(c, p.metrics.request_throughput);
    ttft_med.points.emplace_back(c, p.metrics.ttft.median);
    ttft_hi.points.emplace_back(c, hi(p.metrics.ttft));
    tpot_med.points.emplace_back(c, p.metrics.tpot.median);
    tpot_hi.points.emplace_back(c, hi(p.metrics.tpot));
  }
  if (!points.empty() && !points.front().metrics.ttft.percentiles.empty()) {
    const double p = points.front().metrics.ttft.percentiles.back().first;
    ttft_hi.name = fmt::format("P{:g} TTFT", p);
    tpot_hi.name = fmt::format("P{:g} TPOT", p);
  }
  std::string body;
  body += panel(0, 30, 480, 300, "Output token throughput", "max concurrency", "tokens/s", {tput}, false);
  body += panel(480, 30, 480, 300, "Request throughput", "max concurrency", "requests/s", {rps}, false);
  body += panel(0, 330, 480, 300, "TTFT", "max concurrency", "ms", {ttft_med, ttft_hi}, false);
  body += panel(480, 330, 480, 300, "TPOT", "max concurrency", "ms", {tpot_med, tpot_hi}, false);
  return document(960, 640, title, body);
}

}  // namespace llmctl::bench
