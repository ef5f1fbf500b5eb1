"""Print an ID token for a demo user of the running local stack: ``make token USER=zz.admin``."""

from __future__ import annotations

import json
import os
import sys

from infra.local.stack import state_file


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit("usage: python -m infra.local.token USERNAME [PASSWORD]")
    state_path = state_file()
    if not state_path.exists():
        sys.exit("the local stack is not running: start it with `make run`")
    state = json.loads(state_path.read_text(encoding="utf-8"))
    res = state["resources"]
    os.environ.update({"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
                       "CC_AWS_ENDPOINT_URL": state["aws_endpoint"], "AWS_REGION": res["region"],
                       "CC_USER_POOL_ID": res["user_pool_id"], "CC_USER_POOL_CLIENT_ID": res["user_pool_client_id"]})
    from chalicelib.auth.users import sign_in

    password = sys.argv[2] if len(sys.argv) > 2 else state["demo_password"]
    print(sign_in(sys.argv[1], password)["id_token"])


if __name__ == "__main__":
    main()
