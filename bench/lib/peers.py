#!/usr/bin/env python3
"""Prepares bench/run's two peers from a running frontierd, so that all
three servers answer the same questions with the same data.

  peers.py nginx BASE_URL DIR PORT URL...
      Fetches each URL from frontierd once and writes its body byte for byte
      under DIR/docroot, and DIR/nginx.conf: one exact-match location per
      URL path serving that file with frontierd's status and Content-Type.
      The URLs' paths must differ (nginx locations ignore query strings).

  peers.py json-server BASE_URL DIR
      Writes DIR/db.json from frontierd's own list responses (every page)
      and DIR/routes.json mapping the benchmarked /v1 queries onto
      json-server's generic filters.
"""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


def fetch(base, url):
    """Returns (status, content type, body bytes) of one GET."""
    try:
        with urllib.request.urlopen(base + url, timeout=10) as r:
            return r.status, r.headers.get("Content-Type"), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read()


def nginx(base, directory, port, urls):
    docroot = os.path.join(directory, "docroot")
    os.makedirs(docroot, exist_ok=True)
    locations = []
    seen = set()
    for i, url in enumerate(urls):
        path = urllib.parse.urlsplit(url).path
        if path in seen:
            raise SystemExit(f"peers.py: two benchmarked URLs share the path {path}")
        seen.add(path)
        status, ctype, body = fetch(base, url)
        name = f"body{i}"
        with open(os.path.join(docroot, name), "wb") as f:
            f.write(body)
        if status == 200:
            locations.append(
                f"    location = {path} {{\n"
                f"      default_type {ctype};\n"
                f"      alias {docroot}/{name};\n"
                f"    }}\n")
        else:
            # error_page serves the stored body with the original status.
            locations.append(
                f"    location = {path} {{\n"
                f"      error_page {status} /__{name};\n"
                f"      return {status};\n"
                f"    }}\n"
                f"    location = /__{name} {{\n"
                f"      internal;\n"
                f"      default_type {ctype};\n"
                f"      alias {docroot}/{name};\n"
                f"    }}\n")
    conf = f"""# Written by bench/lib/peers.py for one benchmark run.
daemon off;
master_process on;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/nginx-error.log warn;
events {{
  worker_connections 1024;
}}
http {{
  access_log off;
  client_body_temp_path {directory}/tmp-body;
  proxy_temp_path {directory}/tmp-proxy;
  fastcgi_temp_path {directory}/tmp-fastcgi;
  uwsgi_temp_path {directory}/tmp-uwsgi;
  scgi_temp_path {directory}/tmp-scgi;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 10000000;
  open_file_cache max=64 inactive=60s;
  open_file_cache_valid 3600s;
  server_tokens off;
  server {{
    listen 127.0.0.1:{port};
{''.join(locations)}  }}
}}
"""
    with open(os.path.join(directory, "nginx.conf"), "w") as f:
        f.write(conf)


def all_items(base, path):
    """Every item of a frontierd list, following next_cursor."""
    items = []
    cursor = None
    while True:
        query = {"limit": "100"}
        if cursor:
            query["cursor"] = cursor
        status, _, body = fetch(base, path + "?" + urllib.parse.urlencode(query))
        if status != 200:
            raise SystemExit(f"peers.py: {path} answered {status}")
        page = json.loads(body)
        items.extend(page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            return items


def json_server(base, directory):
    db = {
        "leaderboards": all_items(base, "/v1/leaderboards"),
        "results": all_items(base, "/v1/results"),
        "timeline": all_items(base, "/v1/timeline"),
        "models": all_items(base, "/v1/models"),
        "readyz": {"status": "pass"},
    }
    with open(os.path.join(directory, "db.json"), "w") as f:
        json.dump(db, f, ensure_ascii=False)
    # A month range holds the events whose date range overlaps it: the
    # event ends on or after the first month and starts no later than the
    # last (json-server compares strings, and "2025-07-31" <= "2025-07~").
    routes = {
        "/v1/timeline?from=:from&to=:to":
            "/timeline?date.latest_gte=:from&date.earliest_lte=:to~",
        "/v1/*": "/$1",
    }
    with open(os.path.join(directory, "routes.json"), "w") as f:
        json.dump(routes, f, indent=2)


def main():
    if len(sys.argv) >= 6 and sys.argv[1] == "nginx":
        nginx(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:])
    elif len(sys.argv) == 4 and sys.argv[1] == "json-server":
        json_server(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
