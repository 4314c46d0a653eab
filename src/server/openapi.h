// The API's OpenAPI 3 description (src/server/openapi.json, compiled in and
// served at /api/v1/openapi.json).
#ifndef LANTERN_SERVER_OPENAPI_H_
#define LANTERN_SERVER_OPENAPI_H_

#include <string_view>

namespace lantern::server {

std::string_view OpenApiJson();

}  // namespace lantern::server

#endif  // LANTERN_SERVER_OPENAPI_H_
