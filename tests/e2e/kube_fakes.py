"""Stand-ins for a cluster in the render tests: the CRD schemas of
../shared/data/k8s-crds, and a Kubernetes API server that only answers
discovery (and 404 for every object), which is all that
`kubectl apply --dry-run=client --validate=false` needs."""
import http.server
import json
import threading

import yaml

from conftest import SHARED

CRD_FILES = {
    ("leaderworkerset.x-k8s.io", "LeaderWorkerSet"): "leaderworkerset.x-k8s.io_leaderworkersets.yaml",
    ("keda.sh", "ScaledObject"): "keda.sh_scaledobjects.yaml",
    ("monitoring.coreos.com", "ServiceMonitor"): "monitoring.coreos.com_servicemonitors.yaml",
}


def crd_schema(api_version, kind):
    """The openAPIV3Schema of a CRD kind at api_version, or None for a built-in kind."""
    group, _, version = api_version.rpartition("/")
    name = CRD_FILES.get((group, kind))
    if name is None:
        return None
    crd = yaml.safe_load((SHARED / "k8s-crds" / name).read_text())
    for v in crd["spec"]["versions"]:
        if v["name"] == version:
            return v["schema"]["openAPIV3Schema"]
    raise AssertionError(f"{name} has no version {version}")


# group -> version -> [(plural, kind)]: every kind llmctl render prints.
API = {
    "": {"v1": [("services", "Service"), ("persistentvolumeclaims", "PersistentVolumeClaim")]},
    "apps": {"v1": [("deployments", "Deployment")]},
    "policy": {"v1": [("poddisruptionbudgets", "PodDisruptionBudget")]},
    "autoscaling": {"v2": [("horizontalpodautoscalers", "HorizontalPodAutoscaler")]},
    "networking.k8s.io": {"v1": [("ingresses", "Ingress")]},
    "gateway.networking.k8s.io": {"v1": [("httproutes", "HTTPRoute")]},
    "leaderworkerset.x-k8s.io": {"v1": [("leaderworkersets", "LeaderWorkerSet")]},
    "keda.sh": {"v1alpha1": [("scaledobjects", "ScaledObject")]},
    "monitoring.coreos.com": {"v1": [("servicemonitors", "ServiceMonitor")]},
}


class _Discovery(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _resources(self, group, version):
        return {"kind": "APIResourceList", "apiVersion": "v1",
                "groupVersion": f"{group}/{version}" if group else version,
                "resources": [{"name": plural, "singularName": kind.lower(), "namespaced": True, "kind": kind,
                               "verbs": ["create", "delete", "get", "list", "patch", "update"]}
                              for plural, kind in API[group][version]]}

    def do_GET(self):
        path = self.path.split("?")[0].strip("/").split("/")
        if path == ["version"]:
            return self._send(200, {"major": "1", "minor": "33", "gitVersion": "v1.33.0"})
        if path == ["api"]:
            return self._send(200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []})
        if path == ["api", "v1"]:
            return self._send(200, self._resources("", "v1"))
        if path == ["apis"]:
            groups = [{"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v} for v in versions],
                       "preferredVersion": {"groupVersion": f"{g}/{next(iter(versions))}",
                                            "version": next(iter(versions))}}
                      for g, versions in API.items() if g]
            return self._send(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
        if len(path) == 3 and path[0] == "apis" and path[2] in API.get(path[1], {}):
            return self._send(200, self._resources(path[1], path[2]))
        return self._send(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound",
                                "code": 404, "message": "not found"})


class FakeApiServer:
    """with FakeApiServer() as url: kubectl --server url ..."""

    def __enter__(self):
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Discovery)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
