// Gathers what the agency page shows of the other modules, each through that module's own query class, so one agency's
// page costs a fixed number of queries whatever the number of goals, programmes, processes or shares.
using System.Security.Claims;
using Oppdrift.Access;
using Oppdrift.Benefits;
using Oppdrift.Learning;
using Oppdrift.Processes;
using Oppdrift.ShareMigration;
using Oppdrift.Surveys;
using Oppdrift.Usage;

namespace Oppdrift.Organisation;

/// <summary>The agency's row of the usage overview (key adoption figures and the same figures one window earlier).</summary>
public sealed record AgencyAdoption(UsageTable Table, UsageTableRow Row);

/// <summary>The latest survey round that asked the agency's people, as its results page computes it.</summary>
public sealed record AgencySurvey(SurveyResultsView View, int RoundIndex, ResultGroup? Group);

public sealed record AgencyHomePicture(
    AgencyAdoption? Adoption,
    BenefitsPicture Benefits,
    IReadOnlyList<AgencyProgrammeParticipation> Learning,
    int MinimumGroupSize,
    AgencySurvey? Survey,
    IReadOnlyList<ProcessRow> Processes,
    AgencyMigration? Migration);

public sealed class AgencyHome(
    UsageQueries usage,
    BenefitsQueries benefits,
    LearningQueries learning,
    SurveyQueries surveys,
    ProcessQueries processes,
    MigrationQueries migration,
    Shared.Privacy.SuppressionOptions suppression,
    TimeProvider clock)
{
    /// <summary>The key figures the page shows of the usage overview's columns: Teams reach, e-mail sent and Teams messages.</summary>
    public const int AdoptionColumns = 4;

    /// <summary>
    /// Everything the page shows of <paramref name="agencyId"/>. The caller has checked that <paramref name="user"/> sees
    /// the agency; each module's figures are still read within the user's own scope and suppressed as that module's page
    /// suppresses them.
    /// </summary>
    public async Task<AgencyHomePicture> PictureAsync(int agencyId, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var only = new HashSet<int> { agencyId };

        var table = await usage.OverviewAsync(null, UsageQueries.DefaultWindow, only, cancellationToken);
        var adoption = table.Date is not null && table.Rows.FirstOrDefault(r => r.AgencyId == agencyId) is { } row ? new AgencyAdoption(table, row) : null;

        var picture = await benefits.PictureAsync(agencyId, null, cancellationToken);
        var participation = await learning.AgencyParticipationAsync(agencyId, cancellationToken);

        AgencySurvey? survey = null;
        if (await surveys.LatestRoundForAgencyAsync(agencyId, clock.GetUtcNow().UtcDateTime, cancellationToken) is { } latest
            && await surveys.ResultsAsync(latest.SurveyId, only, SurveysModule.English, cancellationToken) is { } view)
        {
            var index = view.Rounds.ToList().FindIndex(r => r.Number == latest.Round);
            survey = new AgencySurvey(view, index, view.Groups.FirstOrDefault(g => g.AgencyId == agencyId));
        }

        var owned = await processes.ListAsync(new ProcessFilter(agencyId), ProcessAccess.Scope(user), cancellationToken);
        var shares = (await migration.AgenciesAsync(only, null, cancellationToken)).FirstOrDefault(a => a.AgencyId == agencyId);
        return new AgencyHomePicture(adoption, picture, participation, suppression.MinimumGroupSize, survey,
            [.. owned.OrderBy(p => p.State).ThenBy(p => p.Name, OrganisationQueries.NorwegianOrder)], shares);
    }
}
