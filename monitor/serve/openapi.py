"""The JSON API's OpenAPI 3.1 document, built from the app's own API routes (each handler's
docstring is its summary), so the document lists exactly the routes that answer."""
from __future__ import annotations

import re

REPORT = "https://github.com/policymon/policymon/blob/main/docs/json-report.md"
_PARAMETERS = {
    "company": "a company's slug (`acme`)",
    "doctype": "one of its documents: `privacy` for its privacy policy, else TYPE of "
               "[companies.SLUG.documents.TYPE]",
    "pair": "two version ids, OLD-NEW (`12-15`), as `policymon history` and the versions endpoint give them",
}
_QUERY = {"/api/alerts": [{"name": "company", "in": "query", "required": False, "schema": {"type": "string"},
                           "description": "only this company's alerts (all its documents), or one document's "
                                          "(COMPANY/TYPE)"}]}


def openapi(routes) -> dict:
    paths = {}
    for route in routes:
        doc = " ".join((route.endpoint.__doc__ or "").split())
        params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"},
                   "description": _PARAMETERS[name]} for name in re.findall(r"{(\w+)}", route.path)]
        answer = {"description": doc, "content": {"application/json": {"schema": {"type": ["object", "array"]}}}}
        if route.path.endswith("{pair}"):
            answer["content"]["application/json"]["schema"] = {
                "type": "object", "description": f"the JSON report: {REPORT} (schema: docs/report.schema.json)"}
        paths[route.path] = {"get": {
            "summary": doc.split(" (")[0].rstrip("."), "description": doc,
            "operationId": route.endpoint.__name__, "parameters": params + _QUERY.get(route.path, []),
            "responses": {"200": answer, "404": {"description": "no such company, document or versions: "
                                                               "`{\"error\": \"…\"}`"},
                          "503": {"description": "the database cannot be read: `{\"error\": \"…\"}`"}}}}
    return {"openapi": "3.1.0",
            "info": {"title": "policymon", "version": "1",
                     "description": "Read-only JSON over policymon's store: what `policymon status`, `history`, "
                                    "`diff` and `alerts` print with --format json."},
            "paths": paths}
