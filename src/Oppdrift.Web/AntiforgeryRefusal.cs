using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Oppdrift.Shared;

namespace Oppdrift.Web;

/// <summary>
/// Refuses, with 400, a state-changing request whose antiforgery token is missing or wrong. Two cases reach it:
/// <list type="bullet">
/// <item>An endpoint that requires the token (pages' forms, form endpoints, uploads): the antiforgery middleware only
/// marks the request, so a handler that binds no form would let the post through, and one that does answers 400 without
/// a body, which the status code pages re-execute into a 500.</item>
/// <item>Any other POST, PUT, PATCH or DELETE the sign-in cookie authenticates, the JSON API's included: a browser sends the
/// cookie with a request another site makes it send, so the cookie alone never proves the user meant it. The API takes the
/// token in the <c>RequestVerificationToken</c> header (from <c>GET /api/antiforgery</c>). A request without the cookie
/// is not checked here: it is either anonymous (and refused by its policy) or, should a bearer-token scheme for machine
/// clients be added, carries its credential in a header no other site can make a browser send.</item>
/// </list>
/// The check is here, in the host, rather than on each endpoint so that a route added later cannot forget it; the CSRF test
/// walks every state-changing route to prove it.
/// </summary>
internal sealed class AntiforgeryRefusal(RequestDelegate next, IAntiforgery antiforgery)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var checkedAlready = context.Features.Get<IAntiforgeryValidationFeature>();
        var valid = checkedAlready?.IsValid ?? true;
        if (checkedAlready is null && ChangesState(context.Request.Method) && await SignedInByCookieAsync(context))
        {
            valid = await antiforgery.IsRequestValidAsync(context);
            context.Features.Set<IAntiforgeryValidationFeature>(new Validation(valid));
        }
        if (!valid)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(SharedText.Get("FormRefused"), context.RequestAborted);
            return;
        }
        await next(context);
    }

    public static bool ChangesState(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    private static async Task<bool> SignedInByCookieAsync(HttpContext context) =>
        (await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme)).Succeeded;

    private sealed class Validation(bool valid) : IAntiforgeryValidationFeature
    {
        public bool IsValid => valid;

        public Exception? Error => valid ? null : new AntiforgeryValidationException("The antiforgery token is missing or wrong.");
    }
}
