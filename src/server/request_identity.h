// Request identity: the X-Request-ID a response carries and the W3C trace context
// (traceparent) a request continues. Thread-safety: thread-safe (per-thread random state).
#pragma once

#include <string>
#include <string_view>

namespace ragd::server {

// The client's id when it is 1..128 characters of [A-Za-z0-9._-]; otherwise a new random one
// (32 hex digits).
std::string request_id_for(std::string_view client_id);

// A traceparent for this server's span: the incoming trace id (when `incoming` is a valid
// version-00 traceparent) with a new span id, or a new trace.
std::string continue_trace(std::string_view incoming);

}  // namespace ragd::server
