using Oppdrift.Learning.Knowledge;

namespace Oppdrift.Tests.Learning.Knowledge;

public sealed class KnowledgeTermsTests
{
    [Theory]
    [InlineData("opplæring opplæringen opplæringene opplæringa opplæringer")]
    [InlineData("kurs kurset kursene kursets")]
    [InlineData("møte møtet møtene møter")]
    [InlineData("ledere lederen lederens")]
    [InlineData("dokument dokumentet dokumentene dokumenter")]
    [InlineData("kanal kanalen kanalene kanaler")]
    [InlineData("virksomhet virksomheten virksomhetene virksomhetens")]
    [InlineData("Teams TEAMS teams")]
    public void The_forms_of_one_word_share_a_term(string forms)
    {
        var terms = forms.Split(' ').Select(f => KnowledgeTerms.QueryTerms(f).Single()).Distinct();

        Assert.Single(terms);
    }

    [Fact]
    public void Letters_are_lower_cased_with_æ_ø_and_å_kept_and_function_words_left_out()
    {
        var tokens = KnowledgeTerms.Tokens("Ørsta og Åsane: ÆRLIG tale i Microsoft 365-kurset");

        Assert.Equal(["ørst", "åsan", "ærl", "tal", "microsoft", "365", "kurs"], tokens.Select(t => t.Term));
        Assert.Equal((0, 5), (tokens[0].Start, tokens[0].Length));
    }

    [Fact]
    public void A_decomposed_å_is_the_same_letter_as_a_composed_one() =>
        Assert.Equal(KnowledgeTerms.QueryTerms("p\u0061\u030Asen"), KnowledgeTerms.QueryTerms("påsen"));
}
