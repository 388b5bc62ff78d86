"""The schema's readers, from local files (drf-spectacular-sidecar: no CDN, no remote
fonts) and under the CSP: Swagger UI's start script is a separate file (the split view),
and neither page has inline script. Redoc styles itself with generated ``<style>``
elements and reads the schema in a worker, so its page alone allows inline styles and
``blob:`` workers."""

from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger.html"


@method_decorator(
    csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]}), name="dispatch"
)
class RedocView(SpectacularRedocView):
    template_name = "api/redoc.html"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
