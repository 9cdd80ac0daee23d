using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Oppdrift.Shared;

public static class PageResponses
{
    /// <summary>
    /// Answers 404 with the app's not-found page. Setting the status code alone makes the renderer stop with an empty
    /// body (or, with the status code pages, re-execute inside the same render, which fails).
    /// </summary>
    public static void RespondNotFound(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.RequestServices.GetRequiredService<NavigationManager>().NotFound();
    }
}
