// Starts Swagger UI on the API docs page. Settings come from a JSON block, never inline script (CSP).
// A logged-in browser session calls the API with its CSRF token, as Django requires for unsafe methods.
document.addEventListener("DOMContentLoaded", function () {
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrfToken = document.body.dataset.csrfToken;
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis];
  if (csrfToken) {
    config.requestInterceptor = function (request) {
      request.headers["X-CSRFToken"] = csrfToken;
      return request;
    };
  }
  window.ui = SwaggerUIBundle(config);
});
