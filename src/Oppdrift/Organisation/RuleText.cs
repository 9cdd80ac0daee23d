using Microsoft.Extensions.Localization;

namespace Oppdrift.Organisation;

/// <summary>Reads a mapping rule as a sentence: "companyName is «Sykehjemsetaten» → unit from department".</summary>
public static class RuleText
{
    public static string Describe(MappingRule rule, IStringLocalizer localizer) =>
        localizer["RuleSentence", localizer[$"Field{rule.Field}"].Value, localizer[$"Operator{rule.Operator}"].Value, rule.Value,
            localizer[$"UnitFrom{rule.UnitFrom}"].Value];
}
