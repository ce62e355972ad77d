"""The OpenAPI schema's additions (drf-spectacular, SPECTACULAR_SETTINGS): the error answers every operation may
give, the API token's security scheme, and Chinese and English descriptions of the filters whose labels the pages
give in Chinese only."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "错误说明 / What went wrong."}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "每个参数的错误 / The errors of each query parameter.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
UNAUTHENTICATED = (
    "未登录，或 API 令牌缺失、无效、已过期或已吊销 / "
    "Not signed in, or the API token is missing, invalid, expired or revoked."
)
FORBIDDEN = "无权访问：当前角色不可查阅此项数据 / Forbidden: the user's role may not read this."
NOT_FOUND_DETAIL = "不存在，或当前用户不可查看 / Not found, or not visible to the user."
NOT_FOUND_LIST = "分页游标无效 / The page cursor is not valid."
BAD_FILTER = "筛选参数取值无效 / A filter parameter has a value that is not valid."

# Query parameters whose descriptions the FilterSets give in one language, or not at all.
PARAMETERS = {
    "cursor": "分页游标，取自上一页的 next 或 previous / The page cursor, from the previous page's next or previous.",
    "page_size": "每页条数（最多 200，默认 50）/ Rows a page (at most 200, 50 by default).",
    "q": "搜索：名称、备案编号、单位或统一社会信用代码 / Search: names, filing numbers, organisations or USCCs.",
    "status": "状态 / Status.",
    "authority": "属地（区级用户不适用）/ Authority (not for district officers, who see their own).",
    "field": "产业领域代码 / Industry field code.",
    "technology_kind": "攻关技术类型 / Kind of technology.",
    "lead_kind": "牵头单位类型 / Kind of lead unit.",
    "period_from": "建设期覆盖（起）/ Construction period covers from.",
    "period_to": "建设期覆盖（止）/ Construction period covers until.",
    "expiring_before": "建设期届满不晚于（仅建设期内）/ Construction period ends by (active consortia only).",
    "recognised": "是否获省级认定 / Recognised as a provincial consortium.",
    "dishonest": "牵头或现有参与单位是否有有效失信记录 / A dishonesty record in force for the lead unit or a member.",
    "overdue": "是否逾期 / Overdue.",
}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """``api.authentication.ApiTokenAuthentication`` in the schema (registered when this module is imported)."""

    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "API 令牌：Authorization: Bearer <令牌> / API token: Authorization: Bearer <token>.",
        }


def document_errors(result, generator, request, public):
    """Postprocessing hook: each operation answers 401 and 403 (with the token's ``WWW-Authenticate`` challenge for
    401), 404 (a detail not visible, or a list's bad cursor) and, for a list, 400 for a bad filter value."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["FieldErrors"] = FIELD_ERRORS
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            is_detail = "{" in path
            responses = operation.setdefault("responses", {})
            if not is_detail:
                responses["400"] = {
                    "description": BAD_FILTER,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FieldErrors"}}},
                }
            responses["401"] = {
                "description": UNAUTHENTICATED,
                "headers": {"WWW-Authenticate": {"schema": {"type": "string"}, "description": 'Bearer realm="api"'}},
                "content": error,
            }
            responses["403"] = {"description": FORBIDDEN, "content": error}
            responses["404"] = {"description": NOT_FOUND_DETAIL if is_detail else NOT_FOUND_LIST, "content": error}
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and parameter["name"] in PARAMETERS:
                    parameter["description"] = PARAMETERS[parameter["name"]]
    return result
