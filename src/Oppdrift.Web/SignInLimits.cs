using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Oppdrift.Access;

namespace Oppdrift.Web;

/// <summary>
/// Password guessing meets ASP.NET Core's rate limiter: posts to the sign-in form are counted per client address and per
/// user name (in fixed windows, <c>Access:SignInAttemptsPerAddress</c>, <c>Access:SignInAttemptsPerUserName</c>,
/// <c>Access:SignInWindow</c>), and one over either limit is answered 429 before the password is checked. The account's
/// own lockout after five wrong passwords stays as well.
/// </summary>
internal static class SignInLimits
{
    public const string SignInPath = "/account/login";
    private const string UserNameItem = "oppdrift.sign-in-user-name";

    public static void Add(IServiceCollection services, AccessSettings settings)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(settings.SignInWindow.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await context.HttpContext.Response.WriteAsync(AccessText.Get("SignInTooMany"), cancellationToken);
            };
            // The user name first: a post refused for its user name then takes nothing from its address's allowance.
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => IsSignIn(context) && context.Items[UserNameItem] is string name
                    ? RateLimitPartition.GetFixedWindowLimiter("user:" + name, _ => Window(settings.SignInAttemptsPerUserName, settings))
                    : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(context => IsSignIn(context)
                    ? RateLimitPartition.GetFixedWindowLimiter("address:" + context.Connection.RemoteIpAddress, _ => Window(settings.SignInAttemptsPerAddress, settings))
                    : RateLimitPartition.GetNoLimiter("")));
        });
    }

    /// <summary>Reads the user name from a sign-in post, so the limiter can count per user name.</summary>
    public static async Task ReadUserNameAsync(HttpContext context, RequestDelegate next)
    {
        if (IsSignIn(context) && context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var name = AccountService.Normalize(form["Input.UserName"].ToString());
            context.Items[UserNameItem] = name.Length > 200 ? name[..200] : name;
        }
        await next(context);
    }

    private static bool IsSignIn(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals(SignInPath, StringComparison.OrdinalIgnoreCase);

    private static FixedWindowRateLimiterOptions Window(int permits, AccessSettings settings) => new()
    {
        PermitLimit = Math.Max(1, permits),
        Window = settings.SignInWindow,
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
