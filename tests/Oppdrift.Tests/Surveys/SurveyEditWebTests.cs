using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Oppdrift.Access;
using Oppdrift.Data;
using Oppdrift.Surveys;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Surveys;

/// <summary>The edit page through the running app: the form is read from the page and posted back as a browser would.</summary>
public sealed partial class SurveyEditWebTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_edit_page_changes_a_survey_before_its_first_round_and_locks_the_questions_once_it_is_sent(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        var (surveyId, roundId) = await SurveyAsync(app, "Digital puls");
        using var central = await app.SignInAsync(Roles.ChangeLeader);
        var path = $"/surveys/{surveyId}/edit";

        Assert.Contains(path, await central.GetStringAsync($"/surveys/{surveyId}"), StringComparison.Ordinal);
        var raw = await central.GetStringAsync(path);
        var page = WebUtility.HtmlDecode(raw);
        Assert.Contains("<h1 class=\"ds-heading\" data-size=\"lg\">Endre undersøkelsen</h1>", page, StringComparison.Ordinal);
        Assert.Contains("name=\"Input.Questions[0].TextNb\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Spørsmålene er låst", page, StringComparison.Ordinal);
        var form = Fields(raw, "edit-survey");
        Assert.Equal("Jeg finner raskt informasjonen jeg trenger for å gjøre jobben min.", Value(form, "Input.Questions[0].TextNb"));

        // An empty name: the message names the field and links to it, and nothing is saved.
        var refused = await central.PostAsync(path, Post(Set(Set(form, "Input.Name", ""), "Input.Questions[0].TextNb", "Endret")));
        var refusedPage = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("<a class=\"ds-link\" href=\"#name\">Undersøkelsen må ha et navn.</a>", refusedPage, StringComparison.Ordinal);
        // A question without text: the link goes to the text of that question's row.
        var noText = WebUtility.HtmlDecode(await (await central.PostAsync(path, Post(Set(form, "Input.Questions[2].TextNb", "")))).Content.ReadAsStringAsync());
        Assert.Contains("href=\"#q2-textNb\">Spørsmål 3: Spørsmålet må ha en tekst på bokmål.", noText, StringComparison.Ordinal);
        // Without the antiforgery token the post is refused before the page.
        var forged = await central.PostAsync(path, Post([.. Set(form, "Input.Name", "Forfalsket").Where(f => f.Key != "__RequestVerificationToken")]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        await using (var db = app.Database.CreateContext())
        {
            Assert.Equal("Digital puls", await db.Surveys.Where(s => s.Id == surveyId).Select(s => s.Name).SingleAsync());
            Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == "surveys.edit"));
        }

        // Rename, reword, drop eNPS, move the comment first, add a library question and move the close date.
        var closes = DateOnly.Parse(Value(form, "Input.Rounds[0].Closes")!, System.Globalization.CultureInfo.InvariantCulture).AddDays(7);
        var changed = Set(Set(Set(Set(Set(form, "Input.Name", "Digital puls 2026"), "Input.Questions[0].TextNb", "Jeg finner alltid det jeg trenger."),
            "Input.Questions[7].Remove", "true"), "Input.Questions[8].Position", "0"), "Input.Rounds[0].Closes", closes.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        changed.Add(new("Input.Add", "tools-used"));

        var saved = await central.PostAsync(path, Post(changed));

        var savedPage = WebUtility.HtmlDecode(await saved.Content.ReadAsStringAsync());
        Assert.True(saved.StatusCode == HttpStatusCode.OK, savedPage);
        Assert.Contains("Endringene er lagret.", savedPage, StringComparison.Ordinal);
        await using (var db = app.Database.CreateContext())
        {
            var survey = await db.Surveys.AsNoTracking().Include(s => s.Questions).SingleAsync(s => s.Id == surveyId);
            Assert.Equal("Digital puls 2026", survey.Name);
            var questions = survey.Questions.OrderBy(q => q.SortOrder).ToList();
            Assert.Equal(["comment", "info-find", "meet-effective", "share-links", "lead-included", "conf-tools", "time-saved", "rating-overall", "tools-used"],
                questions.Select(q => q.LibraryKey));
            Assert.Equal("Jeg finner alltid det jeg trenger.", questions[1].TextNb);
            Assert.Equal(SurveyEditor.StartOfDay(closes.AddDays(1)), await db.SurveyRounds.Where(r => r.Id == roundId).Select(r => r.ClosesAt).SingleAsync());
            var entry = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "surveys.edit");
            Assert.Contains("\"name\":\"Digital puls 2026\"", entry.After, StringComparison.Ordinal);
        }

        // Only the central team edits: an agency leader reads results but is refused the edit page.
        using var leader = await app.SignInAsync(Roles.AgencyLeader, "SYE");
        Assert.True(Refused(await leader.GetAsync(path)));

        // Once the round is sent, the questions are locked and the page says why; the name and themes still change.
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var sent = await scope.ServiceProvider.GetRequiredService<SurveyPulse>().SendAsync(roundId, "test", default);
            Assert.True(sent.Succeeded, sent.Error);
        }
        var lockedRaw = await central.GetStringAsync(path);
        var locked = WebUtility.HtmlDecode(lockedRaw);
        Assert.Contains("Spørsmålene er låst", locked, StringComparison.Ordinal);
        Assert.Contains("kan du nå bare endre navnet, hvilket tema spørsmålene hører til, gjentakelsen og datoene for planlagte runder", locked, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"Input.Questions[0].TextNb\"", locked, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"delete-survey\"", locked, StringComparison.Ordinal);
        var lockedForm = Fields(lockedRaw, "edit-survey");
        // A text posted by hand is not taken: the locked page keeps the survey's own.
        lockedForm.Add(new("Input.Questions[1].TextNb", "Forsøk på å endre"));
        var renamed = await central.PostAsync(path, Post(Set(Set(lockedForm, "Input.Name", "Digital puls (sendt)"), "Input.Questions[1].Theme", "confidence")));
        Assert.True(renamed.StatusCode == HttpStatusCode.OK, await renamed.Content.ReadAsStringAsync());
        await using (var db = app.Database.CreateContext())
        {
            var survey = await db.Surveys.AsNoTracking().Include(s => s.Questions).ThenInclude(q => q.Theme).SingleAsync(s => s.Id == surveyId);
            Assert.Equal("Digital puls (sendt)", survey.Name);
            var second = survey.Questions.OrderBy(q => q.SortOrder).ElementAt(1);
            Assert.Equal(("Jeg finner alltid det jeg trenger.", "confidence"), (second.TextNb, second.Theme?.Key));
        }
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_survey_without_rounds_is_deleted_from_its_edit_page(DatabaseKind kind)
    {
        await using var app = await RunningApp.StartAsync(kind, demoPeople: 300);
        int surveyId;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<SurveyDesigner>().CreateAsync("Uten runder", null, SurveyLibrary.PulseKeys, null, "test", default);
            surveyId = created.Value!.Id;
        }
        using var central = await app.SignInAsync(Roles.ChangeLeader);
        var page = await central.GetStringAsync($"/surveys/{surveyId}/edit");

        var deleted = await central.PostAsync($"/surveys/{surveyId}/edit", Post(Fields(page, "delete-survey")));

        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal("/surveys", deleted.Headers.Location!.OriginalString.Replace(app.Address.ToString().TrimEnd('/'), "", StringComparison.Ordinal));
        await using var db = app.Database.CreateContext();
        Assert.False(await db.Surveys.AnyAsync(s => s.Id == surveyId));
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "surveys.delete" && a.Target == "Uten runder"));
        Assert.Equal(HttpStatusCode.NotFound, (await central.GetAsync($"/surveys/{surveyId}/edit")).StatusCode);
    }

    private static async Task<(int Survey, int Round)> SurveyAsync(RunningApp app, string name)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var designer = scope.ServiceProvider.GetRequiredService<SurveyDesigner>();
        var survey = await designer.CreateAsync(name, null, SurveyLibrary.PulseKeys, 3, "test", default);
        Assert.True(survey.Succeeded, survey.Error);
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var round = await designer.AddRoundAsync(survey.Value!.Id, "Neste runde", RoundKind.Pulse, now.AddDays(1), now.AddDays(15), "test", default);
        await scope.ServiceProvider.GetRequiredService<OppdriftDb>().SaveChangesAsync();
        return (survey.Value.Id, round.Id);
    }

    /// <summary>
    /// What a browser posts for the form whose handler is <paramref name="handler"/>: every named input (checkboxes and
    /// radios only when checked), textarea and select (its selected option, else its first).
    /// </summary>
    private static List<KeyValuePair<string, string>> Fields(string html, string handler)
    {
        var form = FormPattern().Matches(html).Select(m => m.Value).First(f => f.Contains($"value=\"{handler}\"", StringComparison.Ordinal));
        var fields = new List<KeyValuePair<string, string>>();
        foreach (Match input in InputPattern().Matches(form))
        {
            var attributes = input.Groups[1].Value;
            var type = Attribute(attributes, "type");
            if (Attribute(attributes, "name") is not { } name || ((type is "checkbox" or "radio") && !CheckedPattern().IsMatch(attributes)))
            {
                continue;
            }
            fields.Add(new(name, Attribute(attributes, "value") ?? ""));
        }
        foreach (Match area in TextAreaPattern().Matches(form))
        {
            fields.Add(new(Attribute(area.Groups[1].Value, "name")!, WebUtility.HtmlDecode(area.Groups[2].Value)));
        }
        foreach (Match select in SelectPattern().Matches(form))
        {
            var options = OptionPattern().Matches(select.Groups[2].Value).Select(o => o.Groups[1].Value).ToList();
            var chosen = options.FirstOrDefault(o => SelectedPattern().IsMatch(o)) ?? options.FirstOrDefault();
            fields.Add(new(Attribute(select.Groups[1].Value, "name")!, chosen is null ? "" : Attribute(chosen, "value") ?? ""));
        }
        return fields;
    }

    private static string? Attribute(string attributes, string name) =>
        Regex.Match(attributes, $@"(?:^|\s){name}=""([^""]*)""", RegexOptions.CultureInvariant) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    private static string? Value(List<KeyValuePair<string, string>> fields, string name) => fields.FirstOrDefault(f => f.Key == name).Value;

    private static List<KeyValuePair<string, string>> Set(List<KeyValuePair<string, string>> fields, string name, string value) =>
        [.. fields.Where(f => f.Key != name), new(name, value)];

    private static FormUrlEncodedContent Post(IEnumerable<KeyValuePair<string, string>> fields) => new(fields);

    private static bool Refused(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Forbidden
        || (response.StatusCode == HttpStatusCode.Found && response.Headers.Location?.OriginalString.Contains("/account/access-denied", StringComparison.Ordinal) == true);

    [GeneratedRegex(@"<form\b.*?</form>", RegexOptions.Singleline)]
    private static partial Regex FormPattern();

    [GeneratedRegex(@"<input\b([^>]*)>")]
    private static partial Regex InputPattern();

    [GeneratedRegex(@"<textarea\b([^>]*)>(.*?)</textarea>", RegexOptions.Singleline)]
    private static partial Regex TextAreaPattern();

    [GeneratedRegex(@"<select\b([^>]*)>(.*?)</select>", RegexOptions.Singleline)]
    private static partial Regex SelectPattern();

    [GeneratedRegex(@"<option\b([^>]*)>")]
    private static partial Regex OptionPattern();

    [GeneratedRegex(@"\schecked(?:[\s=/]|$)")]
    private static partial Regex CheckedPattern();

    [GeneratedRegex(@"\sselected(?:[\s=/]|$)")]
    private static partial Regex SelectedPattern();
}
