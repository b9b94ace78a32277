"""A client written the way the lab's Python connector is: requests, x-api-key,
page_size, loop on has_more, checkpoint next_cursor. Used by test/server/python-lab-client.test.ts
and runnable by hand:  python3 test/python/lab_client.py http://127.0.0.1:8080 [CURSOR]

Prints one JSON line: {"pages": [sizes...], "records": n, "ids": [...], "next_cursor": "..."}.
"""
import json
import sys

import requests


def sync(base_url, api_key="hed-demo-key", page_size=100, cursor=None):
    pages, ids = [], []
    while True:
        params = {"page_size": page_size}
        if cursor:
            params["cursor"] = cursor
        response = requests.get(f"{base_url}/hed_data", headers={"x-api-key": api_key}, params=params, timeout=30)
        response.raise_for_status()
        data = response.json()
        records = data.get("hed_records", [])
        pages.append(len(records))
        ids.extend(r["record_id"] for r in records)
        cursor = data.get("next_cursor")  # checkpoint(state={"next_cursor": cursor})
        if not data.get("has_more"):
            break
    return {"pages": pages, "records": len(ids), "ids": ids, "next_cursor": cursor}


if __name__ == "__main__":
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
    start = sys.argv[2] if len(sys.argv) > 2 else None
    print(json.dumps(sync(base, cursor=start)))
