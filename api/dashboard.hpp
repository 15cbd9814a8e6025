#pragma once
// The dashboard page served at `GET /` (docs/api.md): api/dashboard/index.html, one self-contained
// HTML file (inline CSS and JS, nothing loaded from elsewhere), embedded into the binary at
// build time by api/CMakeLists.txt. Serve it as `text/html; charset=utf-8`, without auth: the
// page itself asks for the API token when /v1 answers 401.
#include <string_view>

namespace hookd::api {

/// The page's bytes, exactly as in api/dashboard/index.html (static storage, never empty).
std::string_view dashboard_html();

} // namespace hookd::api
