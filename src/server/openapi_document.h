// The OpenAPI 3.0.3 description of the HTTP API (docs/api.md), served at GET /v1/openapi.json.
// It is hand-written JSON kept true by tests: tests/unit/server/openapi_document_test.cc checks
// that it lists exactly the server's routes, and the integration tests fuzz the running server
// with it (schemathesis), so a request the document allows never gets a 5xx and every response
// matches the document's schema.
//
// Thread-safety: the document is built once (a function-local static) and is read-only after.
#pragma once

#include <string>

namespace ragd::server {

// The document as JSON text.
const std::string& openapi_document();

}  // namespace ragd::server
