"""An MCP client that connects the way OAuth-capable AI clients do, with the
official MCP Python SDK's `OAuthClientProvider`: discovery from the 401,
dynamic registration, authorization code + PKCE, then tool calls, a token
refresh, and revocation.

The user's part (signing in and approving on the consent page) is done over
HTTP, as the web app's consent page does it: the authorization URL leads to
/connect with the request, and the approval answers where the browser goes
next. Prints one JSON object with what happened; the Rust test asserts.

Usage: python mcp_oauth_client.py <base-url> <user-token>
"""

import asyncio
import json
import sys
import time
from urllib.parse import parse_qs, urlparse

import httpx2
from mcp.client.auth import OAuthClientProvider, TokenStorage
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

BASE, USER_TOKEN = sys.argv[1], sys.argv[2]
REDIRECT = "http://127.0.0.1:9/oauth/callback"


class Memory(TokenStorage):
    def __init__(self):
        self.tokens: OAuthToken | None = None
        self.client: OAuthClientInformationFull | None = None

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens):
        self.tokens = tokens

    async def get_client_info(self):
        return self.client

    async def set_client_info(self, client_info):
        self.client = client_info


report: dict = {"authorizations": 0}
pending: dict = {}
# What the user approves on the consent page: None for everything asked.
approve_only: dict = {"scopes": None, "refuse": False}


class UserDenied(Exception):
    pass


async def approve_as_the_user(authorization_url: str) -> None:
    """What the browser and the user do: follow the authorization URL to the
    consent page, approve there, and land on the client's redirect URI."""
    if approve_only["refuse"]:
        report["step_up_refused"] = authorization_url
        raise UserDenied("the user declined to grant more")
    report["authorizations"] += 1
    report.setdefault("authorization_url", authorization_url)
    async with httpx2.AsyncClient() as http:
        first = await http.get(authorization_url)
        assert first.status_code == 302, (first.status_code, first.text)
        consent = urlparse(first.headers["location"])
        assert consent.path == "/connect", consent
        headers = {"authorization": f"Bearer {USER_TOKEN}"}
        view = await http.get(f"{BASE}/api/v1/oauth/authorization", params={"request": consent.query}, headers=headers)
        assert view.status_code == 200, view.text
        report.setdefault("consent", view.json())
        answer = await http.post(
            f"{BASE}/api/v1/oauth/authorization",
            json={"request": consent.query, "approve": True, "scopes": approve_only["scopes"]},
            headers=headers,
        )
        assert answer.status_code == 200, answer.text
        back = urlparse(answer.json()["redirectTo"])
        query = {k: v[0] for k, v in parse_qs(back.query).items()}
        pending["result"] = AuthorizationCodeResult(code=query["code"], state=query.get("state"), iss=query.get("iss"))


async def callback() -> AuthorizationCodeResult:
    return pending.pop("result")


def oauth_client(name: str, storage: Memory) -> OAuthClientProvider:
    """The SDK's OAuth client for /mcp, registering as `name`, with the
    user's part played by approve_as_the_user."""
    return OAuthClientProvider(
        server_url=f"{BASE}/mcp",
        client_metadata=OAuthClientMetadata(
            client_name=name,
            redirect_uris=[REDIRECT],
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
        ),
        storage=storage,
        redirect_handler=approve_as_the_user,
        callback_handler=callback,
    )


async def main() -> None:
    storage = Memory()
    provider = oauth_client("SDK test client", storage)
    async with create_mcp_http_client(auth=provider) as http:
        async with streamable_http_client(f"{BASE}/mcp", http_client=http) as streams:
            read, write = streams[0], streams[1]
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                report["protocol_version"] = init.protocol_version
                report["client_id"] = storage.client.client_id
                report["auth_method"] = storage.client.token_endpoint_auth_method
                report["scope"] = storage.tokens.scope
                tools = await session.list_tools()
                report["tools"] = sorted(t.name for t in tools.tools)
                made = await session.call_tool("create_task", {"title": "Added by the SDK client"})
                report["created"] = made.structured_content
                first_access = storage.tokens.access_token
                first_refresh = storage.tokens.refresh_token

                # The access token runs out: the provider refreshes it.
                provider.context.token_expiry_time = time.time() - 1
                listed = await session.call_tool("list_tasks", {"search": "SDK client"})
                report["listed_after_refresh"] = [t["title"] for t in listed.structured_content["items"]]
                report["refreshed"] = storage.tokens.access_token != first_access
                report["refresh_rotated"] = storage.tokens.refresh_token != first_refresh
                report["authorizations_before_revoke"] = report["authorizations"]

    # Revocation (RFC 7009) ends the grant: the latest access token stops.
    async with httpx2.AsyncClient() as http:
        revoked = await http.post(
            f"{BASE}/oauth/revoke",
            data={"token": storage.tokens.refresh_token, "client_id": storage.client.client_id,
                  **({"client_secret": storage.client.client_secret} if storage.client.client_secret else {})},
        )
        report["revoke_status"] = revoked.status_code
        after = await http.post(
            f"{BASE}/mcp",
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
            headers={"authorization": f"Bearer {storage.tokens.access_token}", "accept": "application/json, text/event-stream"},
        )
        report["after_revoke_status"] = after.status_code
        report["after_revoke_challenge"] = after.headers.get("www-authenticate")

    # A second app the user lets read only: it sees the tools that read,
    # and a call to one that writes is refused (the SDK asks to step up,
    # and the user says no).
    approve_only["scopes"] = ["tasks:read"]
    storage = Memory()
    provider = oauth_client("SDK read-only client", storage)
    try:
        async with create_mcp_http_client(auth=provider) as http:
            async with streamable_http_client(f"{BASE}/mcp", http_client=http) as streams:
                async with ClientSession(streams[0], streams[1]) as session:
                    await session.initialize()
                    report["read_only_scope"] = storage.tokens.scope
                    tools = await session.list_tools()
                    report["read_only_tools"] = sorted(t.name for t in tools.tools)
                    listed = await session.call_tool("list_tasks", {"status": "all"})
                    report["read_only_listed"] = len(listed.structured_content["items"])
                    approve_only["refuse"] = True
                    made = await session.call_tool("create_task", {"title": "Written by a read-only app"})
                    report["read_only_write"] = f"answered: isError={made.is_error}"
    except BaseException as e:  # the step-up the user refused ends the connection
        report.setdefault("read_only_write", f"refused: {type(e).__name__}")

    print(json.dumps(report))


asyncio.run(main())
