/* The API explorer on /api/v1/docs (issue 18): Swagger UI from our own static files, started here
   because the CSP allows no inline script. The page says where the schema is, which language to ask
   for (the operation summaries are translated) and the CSRF token a signed-in "try it out" needs. */
(function () {
  "use strict";
  var box = document.getElementById("swagger-ui");
  if (!box || typeof window.SwaggerUIBundle !== "function") { return; }
  var language = document.documentElement.getAttribute("lang") || "uk";
  var csrf = box.getAttribute("data-csrf") || "";
  window.SwaggerUIBundle({
    url: box.getAttribute("data-schema-url"),
    dom_id: "#swagger-ui",
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: false,
    validatorUrl: null,
    requestInterceptor: function (request) {
      request.headers["Accept-Language"] = language;
      if (csrf) { request.headers["X-CSRFToken"] = csrf; }
      return request;
    }
  });
}());
