using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Oppdrift.Benefits;
using Oppdrift.Data;
using Oppdrift.Tests.Infrastructure;

namespace Oppdrift.Tests.Benefits;

public sealed class GoalEditingTests
{
    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_goal_change_audits_only_the_fields_that_changed_and_its_history_shows_it_newest_first(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var s = new BenefitsServices(db);
        var goal = (await s.Editor.SaveGoalAsync(null, new GoalInput("Arbeide mer effektivt", "Mindre tid på e-post"), BenefitsUsers.Central, default)).Value!;

        var renamed = await s.Editor.SaveGoalAsync(goal.Id, new GoalInput("Jobbe smartere", "Mindre tid på e-post"), BenefitsUsers.Central, default);
        var unchanged = await s.Editor.SaveGoalAsync(goal.Id, new GoalInput("Jobbe smartere", "Mindre tid på e-post"), BenefitsUsers.Central, default);

        Assert.True(renamed.Succeeded, renamed.Error);
        Assert.True(unchanged.Succeeded, unchanged.Error);
        var update = await db.AuditEntries.SingleAsync(a => a.Action == "benefits.goal.update");
        Assert.Equal($"goal:{goal.Id}", update.Target);
        Assert.Equal("{\"Name\":\"Arbeide mer effektivt\"}", update.Before);
        Assert.Equal("{\"Name\":\"Jobbe smartere\"}", update.After);
        var history = await s.Editor.GoalHistoryAsync(goal.Id, default);
        Assert.Equal(["benefits.goal.update", "benefits.goal.create"], history.Select(h => h.Action));
        using var created = JsonDocument.Parse(history[1].After!);
        Assert.Equal("Arbeide mer effektivt", created.RootElement.GetProperty("Name").GetString());
    }

    [Theory]
    [MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_goal_with_benefits_is_not_deleted_and_one_without_is_by_the_central_team_only(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = database.CreateContext();
        var s = new BenefitsServices(db);
        var (served, _) = await s.BenefitAsync("Færre utskrifter", s.Today);
        var empty = (await s.Editor.SaveGoalAsync(null, new GoalInput("Bedre sikkerhet", null), BenefitsUsers.Central, default)).Value!.Id;

        var refused = await s.Editor.DeleteGoalAsync(served, BenefitsUsers.Central, default);
        Assert.False(refused.Succeeded);
        Assert.Contains("1", refused.Error, StringComparison.Ordinal);
        Assert.False((await s.Editor.DeleteGoalAsync(empty, BenefitsUsers.SystemOwner, default)).Succeeded);
        Assert.False((await s.Editor.DeleteGoalAsync(empty, BenefitsUsers.Leader(), default)).Succeeded);
        Assert.Equal(2, await db.BenefitGoals.CountAsync());

        var deleted = await s.Editor.DeleteGoalAsync(empty, BenefitsUsers.Central, default);
        Assert.True(deleted.Succeeded, deleted.Error);
        Assert.False(await db.BenefitGoals.AnyAsync(g => g.Id == empty));
        var entry = await db.AuditEntries.SingleAsync(a => a.Action == "benefits.goal.delete");
        Assert.Equal(($"goal:{empty}", "{\"Name\":\"Bedre sikkerhet\",\"Description\":null}"), (entry.Target, entry.Before));
    }
}
