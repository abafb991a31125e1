#!/usr/bin/env python3
"""Runs deploy/Dockerfile's build steps on this machine, without a Docker engine.

Usage: run_dockerfile_steps.py [WORK_DIR]   (from the repository root; WORK_DIR defaults to a
temporary directory, removed afterwards unless KEEP=1)

Each build stage gets its own directory standing for the image's filesystem: WORKDIR and COPY are
followed (COPY honours .dockerignore), RUN commands run there with bash, except `apt-get install`
lines, whose packages must already be installed here (the machine is the same Debian 12). The
runtime stage is checked instead of run: every package it installs is known here, the COPY
--from sources exist, every shared library the binary needs comes from one of those packages (or
from the base image's essentials), and the binary starts with the image's ENTRYPOINT flags
(listening on loopback), serves /healthz and the web app, and passes the image's HEALTHCHECK
command. Exits non-zero on the first failure, saying which step failed.
"""

import fnmatch
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path.cwd()
DOCKERFILE = REPO / "deploy" / "Dockerfile"
# What debian:12-slim itself brings (essential packages), beside what the runtime stage installs.
BASE_IMAGE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g", "libzstd1", "liblzma5",
                       "libbz2-1.0", "libcrypt1", "libselinux1", "libpcre2-8-0", "libtinfo6",
                       "libsystemd0", "libcap2", "libgcrypt20", "libgpg-error0", "liblz4-1",
                       "libudev1", "libacl1", "libattr1", "libaudit1", "libcap-ng0", "libdb5.3"}


def fail(message):
    print(f"dockerfile: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def instructions(text):
    """(instruction, arguments) with continuation lines joined and comments dropped."""
    out, current = [], ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        current += line
        word, _, rest = current.strip().partition(" ")
        out.append((word.upper(), rest.strip()))
        current = ""
    return out


def stages(text):
    result, stage = [], None
    for ins, args in instructions(text):
        if ins == "FROM":
            m = re.match(r"(\S+)(?:\s+AS\s+(\S+))?", args, re.I)
            stage = {"image": m.group(1), "name": m.group(2) or f"stage{len(result)}", "steps": []}
            result.append(stage)
        elif stage is not None:
            stage["steps"].append((ins, args))
    return result


def ignore_patterns():
    path = REPO / ".dockerignore"
    if not path.exists():
        return []
    return [l.strip().rstrip("/") for l in path.read_text().splitlines()
            if l.strip() and not l.startswith("#")]


def ignored(rel, patterns):
    for p in patterns:
        p = p.lstrip("/")
        if fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(rel, p + "/*") or rel.startswith(p + "/"):
            return True
        if p.startswith("**/") and (fnmatch.fnmatch(os.path.basename(rel), p[3:])
                                    or any(fnmatch.fnmatch(part, p[3:]) for part in rel.split("/"))):
            return True
    return False


def copy_into(sources, dest, root, workdir, patterns):
    target = Path(dest) if dest.startswith("/") else Path(workdir) / dest
    target = root / str(target).lstrip("/")
    for src in sources:
        s = REPO / src
        if not s.exists():
            fail(f"COPY {src}: no such file in the build context")
        if s.is_dir():
            for path in sorted(s.rglob("*")):
                rel = path.relative_to(REPO).as_posix()
                if ignored(rel, patterns) or path.is_dir():
                    continue
                out = target / path.relative_to(s)
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, out)
        else:
            out = target / s.name if dest.endswith("/") or target.is_dir() else target
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(s, out)


def apt_packages(command):
    m = re.search(r"apt-get install ([^&;]*)", command)
    if not m:
        return []
    return [w for w in shlex.split(m.group(1)) if not w.startswith("-")]


def require_installed(packages, stage):
    for p in packages:
        r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", p], capture_output=True, text=True)
        if "install ok installed" not in r.stdout:
            fail(f"stage {stage}: package {p} is not installed here (scripts/install-deps.sh)")
    print(f"dockerfile: stage {stage}: {len(packages)} packages present")


def run_build_stage(stage, root, patterns):
    workdir = "/"
    env = dict(os.environ)
    for ins, args in stage["steps"]:
        if ins == "ARG" or ins == "ENV":
            key, _, value = args.partition("=")
            env[key.strip()] = value.strip()
        elif ins == "WORKDIR":
            workdir = args
            (root / args.lstrip("/")).mkdir(parents=True, exist_ok=True)
        elif ins == "COPY":
            parts = shlex.split(args)
            if any(p.startswith("--from") for p in parts):
                fail(f"stage {stage['name']}: COPY --from in a build stage is not emulated")
            copy_into(parts[:-1], parts[-1], root, workdir, patterns)
        elif ins == "RUN":
            packages = apt_packages(args)
            if packages:
                require_installed(packages, stage["name"])
                continue
            print(f"dockerfile: stage {stage['name']}: RUN {args}", flush=True)
            cwd = root / workdir.lstrip("/")
            run_env = dict(env)
            if shutil.which("ccache") and "CMAKE_CXX_COMPILER_LAUNCHER" not in run_env:
                # Not part of the image: paths relative to the stage's WORKDIR let ccache reuse
                # what scripts/build.sh compiled from the same sources, so the check costs little.
                run_env["CMAKE_CXX_COMPILER_LAUNCHER"] = f"env;CCACHE_BASEDIR={cwd};ccache"
            r = subprocess.run(["bash", "-euo", "pipefail", "-c", args], cwd=cwd, env=run_env)
            if r.returncode != 0:
                fail(f"stage {stage['name']}: RUN {args} exited {r.returncode}")
        else:
            fail(f"stage {stage['name']}: {ins} is not emulated")


def library_packages(binary):
    out = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=True).stdout
    packages = {}
    for line in out.splitlines():
        m = re.search(r"=>\s+(/\S+)", line) or re.match(r"\s*(/\S+)", line)
        if not m:
            continue
        path = os.path.realpath(m.group(1))
        owner = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
        if owner.returncode != 0:
            # merged /usr: /lib/x86_64-linux-gnu/... is registered under /lib or /usr/lib.
            alt = path.replace("/usr/lib/", "/lib/", 1) if path.startswith("/usr/lib/") else "/usr" + path
            owner = subprocess.run(["dpkg", "-S", alt], capture_output=True, text=True)
        if owner.returncode != 0:
            fail(f"runtime: {path} (needed by the binary) belongs to no package")
        packages[path] = owner.stdout.split(":")[0].strip()
    return packages


def check_runtime(stage, roots):
    installed, entrypoint, healthcheck, copies = [], None, None, []
    for ins, args in stage["steps"]:
        if ins == "RUN":
            installed += apt_packages(args)
        elif ins == "COPY":
            parts = shlex.split(args)
            src_stage = next((p.split("=", 1)[1] for p in parts if p.startswith("--from=")), None)
            paths = [p for p in parts if not p.startswith("--")]
            copies.append((src_stage, paths[0], paths[1]))
        elif ins == "ENTRYPOINT":
            entrypoint = eval(args)  # a JSON array of strings
        elif ins == "HEALTHCHECK":
            m = re.search(r"CMD\s+(\[.*\])", args)
            healthcheck = eval(m.group(1)) if m else None
    require_installed(installed, stage["name"])
    staged = {}
    for src_stage, src, dest in copies:
        if src_stage is None or src_stage not in roots:
            fail(f"runtime: COPY {src} comes from no build stage")
        path = roots[src_stage] / src.lstrip("/")
        if not path.exists():
            fail(f"runtime: COPY --from={src_stage} {src}: the stage did not produce it")
        staged[dest] = path
    binary = staged.get("/usr/local/bin/parley")
    web = staged.get("/usr/share/parley/web")
    if binary is None or web is None:
        fail("runtime: the image must hold /usr/local/bin/parley and /usr/share/parley/web")
    if not (web / "index.html").exists():
        fail("runtime: the web app build has no index.html")
    # apt installs each package's dependencies too: those count as installed.
    deps = subprocess.run(["apt-cache", "depends", "--recurse", "--installed", "--no-recommends",
                           "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces",
                           "--no-enhances", *sorted(installed)],
                          capture_output=True, text=True).stdout
    pulled = {l.split(":")[-1].strip().split(":")[0] for l in deps.splitlines()
              if l.strip() and not l.strip().startswith("<")}
    for path, package in sorted(library_packages(binary).items()):
        base = package.split(":")[0]
        if base not in installed and base not in pulled and base not in BASE_IMAGE_PACKAGES:
            fail(f"runtime: {path} comes from {base}, which the runtime stage does not install")
    print(f"dockerfile: runtime: every shared library of the binary comes from the image's packages")
    return binary, web, entrypoint, healthcheck


def smoke(binary, web, entrypoint, healthcheck, tmp):
    """The image's ENTRYPOINT, on loopback and a temporary data directory."""
    args = [str(binary)]
    flags = entrypoint[1:]
    i = 0
    port_file = tmp / "port"
    data = tmp / "data"
    while i < len(flags):
        name, value = flags[i], flags[i + 1]
        if name == "--listen":
            value = "127.0.0.1:0"
        elif name == "--data-dir":
            value = str(data)
        elif name == "--web-root":
            value = str(web)
        args += [name, value]
        i += 2
    args += ["--port-file", str(port_file), "--log-level", "warn"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not port_file.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                fail(f"runtime: the binary did not start with the ENTRYPOINT's flags: {args}")
            time.sleep(0.05)
        port = port_file.read_text().strip()
        for path, want in (("/healthz", b'"ok"'), ("/", b"<div id=\"root\">")):
            body = urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5).read()
            if want not in body:
                fail(f"runtime: GET {path} did not serve what the image should")
        if healthcheck:
            command = [c.replace("/8080", f"/{port}") for c in healthcheck]
            if subprocess.run(command, timeout=10).returncode != 0:
                fail(f"runtime: the HEALTHCHECK command failed: {command}")
        print(f"dockerfile: runtime: the ENTRYPOINT serves /healthz and the web app; HEALTHCHECK passes")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)


def main():
    if not DOCKERFILE.exists():
        fail("run from the repository root")
    work = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="parley-image-"))
    patterns = ignore_patterns()
    all_stages = stages(DOCKERFILE.read_text())
    roots = {}
    try:
        for stage in all_stages[:-1]:
            root = work / stage["name"]
            root.mkdir(parents=True, exist_ok=True)
            print(f"dockerfile: stage {stage['name']} (FROM {stage['image']}) in {root}", flush=True)
            run_build_stage(stage, root, patterns)
            roots[stage["name"]] = root
        binary, web, entrypoint, healthcheck = check_runtime(all_stages[-1], roots)
        smoke(binary, web, entrypoint, healthcheck, work)
    finally:
        if len(sys.argv) <= 1 and not os.environ.get("KEEP"):
            shutil.rmtree(work, ignore_errors=True)
    print("dockerfile: every build step ran; the runtime image checks passed")


if __name__ == "__main__":
    main()
