using System.Globalization;
using System.Text;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Microsoft.Playwright;

namespace Oppdrift.EndToEnd.Infrastructure;

/// <summary>
/// Runs axe-core in the page against WCAG 2.1 A and AA (what Norwegian public-sector web must meet) and
/// describes each violation. axe runs in the page as it is now, in one call, and only its violations come
/// back: Deque's Playwright wrapper opens a second page for every run and returns every rule's passes too,
/// which made an audit cost seconds. Our pages have no frames, so the in-page run sees all of them.
/// </summary>
public static class Axe
{
    /// <summary>The axe-core release bundled with Deque.AxeCore.Commons.</summary>
    private static readonly Lazy<string> Script = new(() => new BundledAxeScriptProvider().GetScript());

    private const string Run = """
        async () => {
          const result = await axe.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
            resultTypes: ['violations'],
          });
          // axe passes a node when any one of "any" holds, and all of "all" and none of "none".
          return JSON.stringify(result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({
              target: n.target.join(' '),
              problems: [...new Set([...n.any, ...n.all, ...n.none].map(c => c.message))],
            })),
          })));
        }
        """;

    /// <summary>One text per violation on the page, naming the rule, the elements and what is wrong with each.</summary>
    public static async Task<IReadOnlyList<string>> ViolationsAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await page.EvaluateAsync(Script.Value);
        }
        var json = await page.EvaluateAsync<string>(Run);
        var violations = JsonSerializer.Deserialize<List<Violation>>(json, JsonOptions) ?? [];
        var path = new Uri(page.Url).PathAndQuery;
        return [.. violations.Select(v =>
        {
            var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{name} ({path}): {v.Id} [{v.Impact}] {v.Help} ({v.HelpUrl})\n");
            foreach (var node in v.Nodes)
            {
                text.Append(CultureInfo.InvariantCulture, $"    at {node.Target}: {string.Join(" / ", node.Problems)}\n");
            }
            return text.ToString();
        })];
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private sealed record Violation(string Id, string? Impact, string Help, string HelpUrl, IReadOnlyList<Node> Nodes);

    private sealed record Node(string Target, IReadOnlyList<string> Problems);
}
