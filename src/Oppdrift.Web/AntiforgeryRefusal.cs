using Microsoft.AspNetCore.Antiforgery;
using Oppdrift.Shared;

namespace Oppdrift.Web;

/// <summary>
/// Refuses a form post whose antiforgery token is missing or wrong, for every endpoint that requires one. The antiforgery
/// middleware only marks the request: a handler that binds no form never looks, so the post would go through, and one
/// that does answers 400 without a body, which the status code pages re-execute into a 500.
/// </summary>
internal sealed class AntiforgeryRefusal(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync(SharedText.Get("FormRefused"), context.RequestAborted);
        }
        return next(context);
    }
}
