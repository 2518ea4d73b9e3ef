# Sourced by .ci/run: installs what the end-to-end suites need and starts a private Docker engine.
#   e2e_setup     installs docker.io, busybox-static, chromium, chromium-driver (Debian packages), starts
#                 dockerd with its own data root and socket (no bridge, no iptables: containers use host
#                 networking), and builds the base image managed-processes-base:local from busybox and the
#                 host JDK (no registry is reachable, so nothing is pulled)
#   e2e_teardown  stops that dockerd by its pid
# Exports DOCKER_HOST and the Testcontainers settings the container suite needs.

E2E_DIR="${E2E_DIR:-/tmp/managed-processes-e2e}"
E2E_BASE_IMAGE="managed-processes-base:local"

e2e_log() { echo "== e2e: $*"; }

e2e_install() {
  local wanted=() package
  for package in docker.io busybox-static chromium chromium-driver; do
    dpkg -s "$package" >/dev/null 2>&1 || wanted+=("$package")
  done
  if [ ${#wanted[@]} -gt 0 ]; then
    e2e_log "installing ${wanted[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
  fi
}

e2e_start_docker() {
  mkdir -p "$E2E_DIR/data" "$E2E_DIR/exec"
  export DOCKER_HOST="unix://$E2E_DIR/docker.sock"
  if docker version >/dev/null 2>&1; then
    e2e_log "reusing the dockerd already answering at $DOCKER_HOST (teardown leaves it running)"
    return 0
  fi
  e2e_log "starting a private dockerd"
  dockerd --data-root "$E2E_DIR/data" --exec-root "$E2E_DIR/exec" -H "$DOCKER_HOST" \
    --pidfile "$E2E_DIR/docker.pid" --bridge=none --iptables=false --ip-forward=false \
    >"$E2E_DIR/dockerd.log" 2>&1 &
  E2E_DOCKERD_PID=$!
  for _ in $(seq 1 60); do
    docker version >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  e2e_log "dockerd did not answer; see $E2E_DIR/dockerd.log"
  tail -20 "$E2E_DIR/dockerd.log" || true
  return 1
}

# A root filesystem with busybox and this machine's JDK (plus the shared libraries java needs), imported
# as an image: the app runs in it as PID 1 with nothing in front of it.
e2e_build_base_image() {
  if docker image inspect "$E2E_BASE_IMAGE" >/dev/null 2>&1; then
    return 0
  fi
  e2e_log "building $E2E_BASE_IMAGE"
  local rootfs="$E2E_DIR/rootfs" java_home
  java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  [ -n "${JAVA_HOME:-}" ] && java_home="$JAVA_HOME"
  rm -rf "$rootfs"
  mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/etc" "$rootfs/opt"
  chmod 1777 "$rootfs/tmp"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $("$rootfs/bin/busybox" --list); do
    [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
  done
  # dereference: distribution JDKs link conf/ and security files into /etc
  cp -rL "$java_home" "$rootfs/opt/jdk" 2>/dev/null || true  # a dangling link (src.zip) is no loss
  local lib
  for lib in $( (ldd "$java_home/bin/java"; ldd "$(find "$java_home" -name libjvm.so | head -n 1)"; \
      for so in "$java_home"/lib/*.so; do ldd "$so" 2>/dev/null; done) | grep -o '/[^ ]*' | sort -u); do
    [ -e "$lib" ] || continue
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
  # the dynamic loader may be reached through /lib64 and /lib
  echo "root:x:0:0:root:/:/bin/sh" > "$rootfs/etc/passwd"
  echo "127.0.0.1 localhost" > "$rootfs/etc/hosts"
  ln -s /opt/jdk/bin/java "$rootfs/bin/java"
  tar -C "$rootfs" -c . | docker import -c 'ENV PATH=/opt/jdk/bin:/bin' - "$E2E_BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
}

e2e_setup() {
  [ "$(id -u)" = 0 ] || { e2e_log "not root: skipping the end-to-end prerequisites"; return 1; }
  e2e_install || return 1
  e2e_start_docker || return 1
  e2e_build_base_image || return 1
  export TESTCONTAINERS_RYUK_DISABLED=true
  export TESTCONTAINERS_HOST_OVERRIDE=localhost
  e2e_log "ready: $(docker version --format '{{.Server.Version}}') at $DOCKER_HOST, image $E2E_BASE_IMAGE"
}

# Stops only the dockerd that e2e_setup started in this shell, by its pid.
e2e_teardown() {
  if [ -n "${E2E_DOCKERD_PID:-}" ]; then
    local pid="$E2E_DOCKERD_PID"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
}
