# Sourced by start.sh: the real node of a test cluster and what serves it.
#   registry      Debian's docker-registry on 127.0.0.1 (two: an open one that
#                 mirrors docker.io, ghcr.io and registry.local, and one with
#                 htpasswd auth at 127.0.0.1:<port> for private images)
#   containerd    Debian's containerd 1.6 (CRI) with runc and the CNI plugins
#   kubelet       v1.20.2, node IP 10.201.0.<slot> (an address on lo)
#   kube-scheduler, kube-proxy (iptables; only the first cluster on a machine)
#   addons        cluster DNS (dnsmasq), Ingress routes (nginx), local volumes,
#                 NetworkPolicy ingress enforcement (iptables, chain PREVIEWS-NETPOL-<slot>)
# Each cluster takes a slot (1-30): node IP 10.201.0.<slot>, pods 10.244.<slot>.0/24
# on bridge prv<slot>. Pods reach only the pod network, the node and their
# Services: forwarding from the pod network anywhere else is rejected.

NODE_PKGS=(containerd runc containernetworking-plugins docker-registry skopeo umoci apache2-utils nginx-light dnsmasq-base iptables iproute2 conntrack busybox-static postgresql-15 redis-server golang-github-lib-pq-dev)
RUN_DIR=/run/backstage-previews
ADDON_FLAGS=()

node_prerequisites() {
  local missing=() p
  for p in "${NODE_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing apt packages for the node: ${missing[*]}"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # Debian starts the packaged services; the cluster runs its own instances.
  local svc
  for svc in containerd docker-registry nginx redis-server; do
    systemctl disable --now "$svc" >/dev/null 2>&1 || service "$svc" stop >/dev/null 2>&1 || true
  done
  [[ $(id -u) -eq 0 ]] || die "a real node needs root (containerd, kubelet, iptables)"
}

# slot_free N: no node address N on lo, and no live cluster recorded as its owner
# (an address can vanish while its cluster still runs; its slot is not free then)
slot_free() {
  local n="$1" owner pid
  ip -4 addr show dev lo | grep -q "inet 10.201.0.$n/" && return 1
  owner="$(cat "$RUN_DIR/$n/owner" 2>/dev/null || true)"
  [[ -z "$owner" || "$owner" == "$STATE_DIR" ]] && return 0
  pid="$(cat "$owner/containerd.pid" 2>/dev/null || true)"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && return 1
  return 0
}

# take_slot: the lowest free slot; its owner is recorded (stop.sh of another state dir leaves it alone)
take_slot() {
  mkdir -p "$RUN_DIR"
  exec 7>"$RUN_DIR/slots.lock"
  flock 7
  local n
  if [[ -f "$STATE_DIR/slot" ]]; then
    SLOT="$(cat "$STATE_DIR/slot")"
  else
    for n in $(seq 1 30); do
      if slot_free "$n"; then SLOT=$n; break; fi
    done
    [[ -n "${SLOT:-}" ]] || die "no free node slot (30 test clusters running?)"
  fi
  NODE_IP="10.201.0.$SLOT"
  ip -4 addr show dev lo | grep -q "inet $NODE_IP/" || ip addr add "$NODE_IP/32" dev lo
  echo "$SLOT" >"$STATE_DIR/slot"
  mkdir -p "$RUN_DIR/$SLOT"
  (cd "$STATE_DIR" && pwd) >"$RUN_DIR/$SLOT/owner"
  exec 7>&-
  POD_CIDR="10.244.$SLOT.0/24"
  BRIDGE="prv$SLOT"
  NODE_RUN="$RUN_DIR/$SLOT"
  mkdir -p "$NODE_RUN"
}

# pick_ports N -> N free 127.0.0.1 ports on stdout, below the usual ephemeral
# range, so that several clusters (tests, portal) can run side by side
pick_ports() {
  "$NODE_BIN" -e '
const net = require("net");
const want = Number(process.argv[1]), got = [];
function attempt() {
  if (got.length === want) { console.log(got.join(" ")); return; }
  const p = 20000 + Math.floor(Math.random() * 12000);
  if (got.includes(p)) return attempt();
  const s = net.createServer();
  s.once("error", () => attempt());
  s.listen(p, "127.0.0.1", () => { got.push(p); s.close(() => attempt()); });
}
attempt();' "$1"
}

network_rules() {
  sysctl -qw net.ipv4.ip_forward=1
  sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null || true
  # pods talk to pods, the node and Services (DNAT happens before FORWARD); nothing else
  iptables -N PREVIEWS-PODS 2>/dev/null || true
  iptables -C FORWARD -j PREVIEWS-PODS 2>/dev/null || iptables -I FORWARD 1 -j PREVIEWS-PODS
  iptables -C PREVIEWS-PODS -s 10.244.0.0/16 ! -d 10.244.0.0/16 -j REJECT 2>/dev/null ||
    iptables -A PREVIEWS-PODS -s 10.244.0.0/16 ! -d 10.244.0.0/16 -j REJECT
}

start_registries() {
  local images
  images="$(bash "$HERE/images.sh")" || die "building the test images failed"
  read -r REG_PORT PRIV_PORT < <(pick_ports 2)
  mkdir -p "$STATE_DIR/registry"/{open,private}
  local user=previews pass
  pass="$(openssl rand -hex 12)"
  htpasswd -Bbc "$STATE_DIR/registry/htpasswd" "$user" "$pass" >/dev/null 2>&1
  (umask 077 && printf '%s:%s\n' "$user" "$pass" >"$STATE_DIR/registry/private.credentials")
  local kind port
  for kind in open private; do
    port=$REG_PORT
    [[ $kind == private ]] && port=$PRIV_PORT
    {
      echo "version: 0.1"
      echo "log: {level: warn}"
      echo "storage: {filesystem: {rootdirectory: $STATE_DIR/registry/$kind}, delete: {enabled: true}}"
      echo "http: {addr: 127.0.0.1:$port}"
      [[ $kind == private ]] && echo "auth: {htpasswd: {realm: previews-test, path: $STATE_DIR/registry/htpasswd}}"
    } >"$STATE_DIR/registry/$kind.yml"
    launch "registry-$kind" docker-registry serve "$STATE_DIR/registry/$kind.yml"
  done
  reg_ok() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$REG_PORT/v2/" && curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PRIV_PORT/v2/"; }
  wait_for "the registries" registry-open 30 reg_ok
  echo "$REG_PORT" >"$STATE_DIR/registry.port"
  echo "$PRIV_PORT" >"$STATE_DIR/registry-private.port"
  # the names the product uses by default, and the test images
  local pairs=(
    "pause:3.4.1 pause:3.4.1" "demo:1 demo:1" "demo:1 acme/demo:1"
    "postgres:15 library/postgres:15" "postgres:15 library/postgres:16"
    "redis:7 library/redis:7" "curl:1 curlimages/curl:8.10.1" "seeded-postgres:1 library/seeded-postgres:1"
  ) pair
  for pair in "${pairs[@]}"; do
    set -- $pair
    skopeo copy -q --dest-tls-verify=false "oci:$images/oci:$1" "docker://127.0.0.1:$REG_PORT/$2" >>"$STATE_DIR/registry-open.log" 2>&1 ||
      die "pushing $2 to the test registry failed" registry-open
  done
  # private images need the pull secret
  for pair in "demo:1 private/demo:1" "seeded-postgres:1 private/seeded-postgres:1" "seeded-postgres:1 private/never-pulled-postgres:1"; do
    set -- $pair
    skopeo copy -q --dest-tls-verify=false --dest-creds "$user:$pass" "oci:$images/oci:$1" "docker://127.0.0.1:$PRIV_PORT/$2" >>"$STATE_DIR/registry-private.log" 2>&1 ||
      die "pushing $2 to the private test registry failed" registry-private
  done
  log "registries: open 127.0.0.1:$REG_PORT (mirror of docker.io, ghcr.io, registry.local), private 127.0.0.1:$PRIV_PORT"
}

# kubelet v1.20 keeps pod logs in /var/log/pods (not configurable) and deletes
# the log directories of pods it does not know, so two nodes on one machine
# delete each other's logs. Each node's containerd and kubelet therefore run
# in a mount namespace of their own, where /var/log/pods is the node's
# STATE_DIR/pod-logs. Mounts from the machine still reach in (slave).
node_mount_namespace() {
  mkdir -p /var/log/pods "$STATE_DIR/pod-logs" "$NODE_RUN/ns"
  # a namespace is kept by binding it to a file on a private mount
  mountpoint -q "$NODE_RUN/ns" || { mount --bind "$NODE_RUN/ns" "$NODE_RUN/ns" && mount --make-private "$NODE_RUN/ns"; }
  NODE_NS="$NODE_RUN/ns/mnt"
  if ! mountpoint -q "$NODE_NS" 2>/dev/null; then
    touch "$NODE_NS"
    unshare --mount="$NODE_NS" --propagation slave mount --bind "$STATE_DIR/pod-logs" /var/log/pods ||
      die "could not make the node's mount namespace (unshare)"
  fi
}

start_containerd() {
  node_mount_namespace
  local c="$STATE_DIR/containerd"
  mkdir -p "$c/certs.d" "$STATE_DIR/cni/net.d"
  local host
  for host in docker.io ghcr.io registry.local "127.0.0.1:$REG_PORT" "127.0.0.1:$PRIV_PORT"; do
    local server="http://127.0.0.1:$REG_PORT"
    [[ $host == "127.0.0.1:$PRIV_PORT" ]] && server="http://127.0.0.1:$PRIV_PORT"
    mkdir -p "$c/certs.d/$host"
    # `server` replaces the upstream: nothing is ever pulled from outside this machine
    printf 'server = "%s"\n\n[host."%s"]\n  capabilities = ["pull", "resolve"]\n' "$server" "$server" >"$c/certs.d/$host/hosts.toml"
  done
  cat >"$c/config.toml" <<TOML
version = 2
root = "$c/root"
state = "$NODE_RUN/containerd"
[grpc]
  address = "$NODE_RUN/containerd.sock"
[ttrpc]
  address = "$NODE_RUN/containerd.sock.ttrpc"
[debug]
  level = "warn"
[metrics]
  address = ""
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.local/pause:3.4.1"
  # this VM has no CAP_SYS_RESOURCE: runc may only raise oom_score_adj
  restrict_oom_score_adj = true
  # Pods run as non-root with every capability dropped (Pod Security restricted):
  # each pod's network namespace lets any user bind ports below 1024, as most
  # current runtimes do by default.
  enable_unprivileged_ports = true
  disable_apparmor = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        Root = "$NODE_RUN/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE_DIR/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$c/certs.d"
TOML
  cat >"$STATE_DIR/cni/net.d/10-previews.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "previews-$SLOT",
  "plugins": [
    {
      "type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "$POD_CIDR" }]], "routes": [{ "dst": "0.0.0.0/0" }],
                "dataDir": "$NODE_RUN/cni-ipam" }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
JSON
  log "starting containerd"
  launch containerd nsenter --mount="$NODE_NS" containerd --config "$c/config.toml"
  ctr_ok() { ctr --address "$NODE_RUN/containerd.sock" version >/dev/null 2>&1; }
  wait_for "containerd" containerd 30 ctr_ok
}

start_kubelet() {
  local k="$STATE_DIR/kubelet"
  mkdir -p "$k/root" "$k/pki"
  # the apiserver's client certificate for the kubelet API (logs, exec)
  printf 'nameserver %s\n' "$NODE_IP" >"$k/resolv.conf"
  read -r KUBELET_PORT KUBELET_HEALTHZ < <(pick_ports 2)
  # cgroupfs: every cluster's pods under a cgroup root of their own
  local ctl
  for ctl in /sys/fs/cgroup/*/; do
    [[ -d "$ctl" && "$ctl" != */unified/ ]] && mkdir -p "${ctl}previews-$SLOT" 2>/dev/null || true
  done
  log "starting kubelet ($NODE_NAME at $NODE_IP)"
  launch kubelet nsenter --mount="$NODE_NS" "$BIN/kubelet" \
    --kubeconfig "$STATE_DIR/kubelet.kubeconfig" --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" \
    --container-runtime remote --container-runtime-endpoint "unix://$NODE_RUN/containerd.sock" \
    --image-service-endpoint "unix://$NODE_RUN/containerd.sock" \
    --root-dir "$k/root" --cert-dir "$k/pki" --cgroup-driver cgroupfs --cgroup-root "/previews-$SLOT" \
    --address "$NODE_IP" --port "$KUBELET_PORT" --healthz-bind-address 127.0.0.1 --healthz-port "$KUBELET_HEALTHZ" \
    --read-only-port 0 --anonymous-auth=false --client-ca-file "$PKI/ca.crt" --authorization-mode AlwaysAllow \
    --cluster-dns "$NODE_IP" --cluster-domain cluster.local --resolv-conf "$k/resolv.conf" \
    --fail-swap-on=false --max-pods 110 --serialize-image-pulls=false \
    --eviction-hard 'memory.available<100Mi,nodefs.available<1%,imagefs.available<1%' \
    --image-gc-high-threshold 100 --image-gc-low-threshold 99 \
    --node-status-update-frequency 4s --sync-frequency 10s --file-check-frequency 20s \
    --register-node=true --v 1
}

start_scheduler_and_proxy() {
  read -r SCHED_PORT PROXY_HEALTH PROXY_METRICS < <(pick_ports 3)
  log "starting kube-scheduler"
  launch kube-scheduler "$BIN/kube-scheduler" --kubeconfig "$STATE_DIR/kube-scheduler.kubeconfig" \
    --leader-elect=false --bind-address 127.0.0.1 --secure-port "$SCHED_PORT" --port 0 --v 1
  # kube-proxy's iptables chains are machine-wide: only one cluster can own them
  local owner
  owner="$(cat "$RUN_DIR/kube-proxy.owner" 2>/dev/null || true)"
  if [[ -n "$owner" && "$owner" != "$STATE_DIR" && -f "$owner/kube-proxy.pid" ]] && kill -0 "$(cat "$owner/kube-proxy.pid")" 2>/dev/null; then
    log "kube-proxy runs for $owner: this cluster's Service names resolve to pod endpoints, not ClusterIPs"
    ADDON_FLAGS=(--no-cluster-ips)
    return 0
  fi
  echo "$STATE_DIR" >"$RUN_DIR/kube-proxy.owner"
  log "starting kube-proxy (iptables)"
  launch kube-proxy "$BIN/kube-proxy" --kubeconfig "$STATE_DIR/kube-proxy.kubeconfig" --hostname-override "$NODE_NAME" \
    --proxy-mode iptables --cluster-cidr 10.244.0.0/16 --bind-address "$NODE_IP" \
    --healthz-bind-address "127.0.0.1:$PROXY_HEALTH" --metrics-bind-address "127.0.0.1:$PROXY_METRICS" \
    --nodeport-addresses "$NODE_IP/32" --conntrack-max-per-core 0 \
    --conntrack-tcp-timeout-established 0 --conntrack-tcp-timeout-close-wait 0 --v 1
}

start_addons() {
  read -r INGRESS_PORT < <(pick_ports 1)
  [[ -n "${PREVIEWS_INGRESS_PORT:-}" ]] && INGRESS_PORT="$PREVIEWS_INGRESS_PORT"
  echo "$INGRESS_PORT" >"$STATE_DIR/ingress.port"
  mkdir -p "$STATE_DIR/dns" "$STATE_DIR/nginx" "$STATE_DIR/volumes"
  : >"$STATE_DIR/dns/services.hosts"
  rm -f "$STATE_DIR/addons.ready"
  # Preview hosts resolve to the node, where nginx listens too: pods (smoke
  # tests) open preview URLs through the Ingress. *.previews.test for pods
  # (curl, like browsers, takes *.localhost for loopback without asking DNS).
  # `--local` for them too: other record types (AAAA) get an empty answer, not REFUSED.
  log "starting cluster DNS (dnsmasq on $NODE_IP:53, answers only cluster names and preview hosts)"
  launch dns dnsmasq --keep-in-foreground --no-daemon --no-resolv --no-hosts --no-poll \
    --listen-address "$NODE_IP" --bind-interfaces --port 53 --user=root \
    --hostsdir "$STATE_DIR/dns" --local=/cluster.local/ --local=/previews.localhost/ --address="/previews.localhost/$NODE_IP" \
    --local=/previews.test/ --address="/previews.test/$NODE_IP" \
    --domain-needed --bogus-priv --log-facility=-
  log "starting the cluster addons (DNS records, Ingress routes on 127.0.0.1:$INGRESS_PORT and $NODE_IP:$INGRESS_PORT, local volumes)"
  launch addons "$NODE_BIN" --import tsx "$HERE/addons/main.ts" --kubeconfig "$STATE_DIR/addons.kubeconfig" \
    --state "$STATE_DIR" --ingress-port "$INGRESS_PORT" --node-ip "$NODE_IP" --pod-cidr "$POD_CIDR" --policy-chain "PREVIEWS-NETPOL-$SLOT" "${ADDON_FLAGS[@]}"
}

# A file server inside the cluster (the demo app serving a ConfigMap) for seed
# downloads: http://files.previews-fixtures.svc.cluster.local/files/<name>.
# Pods reach nothing outside this machine, so seed URLs point here.
start_fixtures() {
  local body
  body="$("$NODE_BIN" -e '
const fs = require("fs");
const [dir, image] = process.argv.slice(1);
const files = {};
for (const f of fs.readdirSync(dir)) if (f.endsWith(".sql")) files[f] = fs.readFileSync(`${dir}/${f}`, "utf8");
const labels = { app: "files" };
const objects = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "previews-fixtures" } },
  { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "files", namespace: "previews-fixtures" }, data: files },
  { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "files", namespace: "previews-fixtures" }, spec: {
      selector: { matchLabels: labels }, template: { metadata: { labels }, spec: {
        automountServiceAccountToken: false,
        containers: [{ name: "files", image, env: [{ name: "PORT", value: "8080" }, { name: "DEMO_FILES_DIR", value: "/files" }],
          ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
          readinessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 1 },
          volumeMounts: [{ name: "files", mountPath: "/files" }] }],
        volumes: [{ name: "files", configMap: { name: "files" } }] } } } },
  { apiVersion: "v1", kind: "Service", metadata: { name: "files", namespace: "previews-fixtures" },
    spec: { selector: labels, ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] } },
];
console.log(JSON.stringify(objects));' "$REPO_ROOT/examples/seed" registry.local/demo:1)"
  local i n kind name ns path
  n="$(echo "$body" | "$NODE_BIN" -e 'console.log(JSON.parse(require("fs").readFileSync(0,"utf8")).length)')"
  for ((i = 0; i < n; i++)); do
    local obj
    obj="$(echo "$body" | "$NODE_BIN" -e 'const o = JSON.parse(require("fs").readFileSync(0,"utf8"))[process.argv[1]]; const k = o.kind, ns = o.metadata.namespace, nm = o.metadata.name;
const base = k === "Deployment" ? "/apis/apps/v1" : "/api/v1"; const plural = { Namespace: "namespaces", ConfigMap: "configmaps", Deployment: "deployments", Service: "services" }[k];
console.log((ns ? `${base}/namespaces/${ns}/${plural}/${nm}` : `${base}/${plural}/${nm}`) + "\t" + JSON.stringify(o));' "$i")"
    path="${obj%%$'\t'*}"
    curl -sf --max-time 10 -A previews-start.sh --cacert "$STATE_DIR/pki/ca.crt" -H "Authorization: Bearer $(cat "$STATE_DIR/admin.token")" \
      -X PATCH -H 'Content-Type: application/apply-patch+yaml' "https://127.0.0.1:$API_PORT$path?fieldManager=previews-test&force=true" \
      --data-binary "${obj#*$'\t'}" >/dev/null || die "applying the fixture file server ($path) failed"
  done
}
