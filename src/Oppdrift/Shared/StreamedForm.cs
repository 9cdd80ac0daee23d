using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Oppdrift.Shared;

/// <summary>
/// Marks a form upload endpoint whose browser form is read one part at a time, so the handler can check the fields that
/// come before the file (the agency, say) before the file is read. See <see cref="StreamedForm"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class StreamedFormAttribute : Attribute;

/// <summary>
/// The fields of a multipart form read up to its first file part, the reader positioned at that part. The antiforgery check
/// would otherwise read the whole form, file included, to find its token: <see cref="UseStreamedForms"/> reads the fields
/// before the antiforgery middleware, hands it the form's token as the header it reads first, and leaves the file to the
/// handler. The token must come before the file, as a page's form sends it (<c>&lt;AntiforgeryToken /&gt;</c> first).
/// </summary>
public sealed class StreamedForm
{
    private StreamedForm(Dictionary<string, string> fields, MultipartReader reader, MultipartSection? file)
    {
        Fields = fields;
        Reader = reader;
        File = file;
    }

    /// <summary>The form fields before the first file part, by name.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; }

    /// <summary>The reader of the rest of the body, past <see cref="File"/>'s headers.</summary>
    public MultipartReader Reader { get; }

    /// <summary>The first file part, its body not read yet; null when the form has none.</summary>
    public MultipartSection? File { get; }

    internal static async Task<StreamedForm> ReadAsync(MultipartReader reader, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                continue;
            }
            if (disposition.IsFileDisposition())
            {
                return new StreamedForm(fields, reader, section);
            }
            using var text = new StreamReader(section.Body);
            fields[HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? ""] = await text.ReadToEndAsync(cancellationToken);
        }
        return new StreamedForm(fields, reader, null);
    }

    /// <summary>The boundary of a <c>multipart/form-data</c> body; null for any other content type.</summary>
    public static string? Boundary(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            && HeaderUtilities.RemoveQuotes(type.Boundary).Value is { Length: > 0 } boundary
            ? boundary
            : null;
}

/// <summary>The middleware of <see cref="StreamedForm"/>.</summary>
public static class StreamedForms
{
    /// <summary>
    /// Reads the leading fields of forms posted to endpoints marked <see cref="StreamedFormAttribute"/>, after sign-in and
    /// authorization (so no one without the right gets the body read) and before <c>UseAntiforgery</c>. A form whose token
    /// does not come before its file is refused by the antiforgery check as one without a token.
    /// </summary>
    public static IApplicationBuilder UseStreamedForms(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.ApplicationServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value;
        return app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (context.GetEndpoint()?.Metadata.GetMetadata<StreamedFormAttribute>() is not null && HttpMethods.IsPost(request.Method)
                && options.HeaderName is { } header && !request.Headers.ContainsKey(header) && StreamedForm.Boundary(request.ContentType) is { } boundary)
            {
                var form = await StreamedForm.ReadAsync(new MultipartReader(boundary, request.Body), context.RequestAborted);
                context.Features.Set(form);
                // A form without a token before its file gets one that never validates: the body's start is gone, so the
                // antiforgery check must not go looking for it in the form.
                request.Headers[header] = form.Fields.TryGetValue(options.FormFieldName, out var token) && token.Length > 0 ? token : "missing";
            }
            await next(context);
        });
    }

}
