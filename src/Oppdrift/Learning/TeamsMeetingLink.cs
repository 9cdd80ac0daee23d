// What a Teams join link says about its meeting: the organiser's object id and tenant sit in its "context" parameter, and
// Microsoft Graph finds an online meeting only under its organiser (/users/{organizer}/onlineMeetings).
using System.Text.Json;

namespace Oppdrift.Learning;

public sealed record TeamsMeetingLink(string JoinUrl, string OrganizerId, string? TenantId)
{
    /// <summary>
    /// Reads a join link such as <c>https://teams.microsoft.com/l/meetup-join/19%3ameeting_…%40thread.v2/0?context=%7b%22Tid%22%3a%22…%22%2c%22Oid%22%3a%22…%22%7d</c>;
    /// null when it is not a Teams meeting link or does not name its organiser (the short <c>/meet/</c> links do not).
    /// </summary>
    public static TeamsMeetingLink? Parse(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps
            || !uri.AbsolutePath.Contains("/l/meetup-join/", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        foreach (var part in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0 || !part[..equals].Equals("context", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            try
            {
                using var context = JsonDocument.Parse(Uri.UnescapeDataString(part[(equals + 1)..].Replace('+', ' ')));
                if (context.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }
                string? Text(string name) => context.RootElement.EnumerateObject()
                    .Where(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String)
                    .Select(p => p.Value.GetString()).FirstOrDefault();
                return Guid.TryParse(Text("Oid"), out var organizer)
                    ? new TeamsMeetingLink(url.Trim(), organizer.ToString("D"), Guid.TryParse(Text("Tid"), out var tenant) ? tenant.ToString("D") : null)
                    : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
        return null;
    }
}
