from django.shortcuts import render


def not_found(request, exception=None):
    return render(request, "console/error.html",
                  {"title": "Not found", "text": "There is nothing here."}, status=404)


def forbidden(request, exception=None):
    return render(request, "console/error.html",
                  {"title": "Not allowed", "text": "You are not allowed to see this page."},
                  status=403)


def server_error(request):
    return render(request, "console/error.html",
                  {"title": "Something went wrong",
                   "text": "The error has been logged. Please try again."}, status=500)
