using Oppdrift.Access;

namespace Oppdrift.Tests.Access;

public sealed class AccessModuleTests
{
    [Theory]
    [InlineData("/benefits", "/benefits")]
    [InlineData("/usage/agencies/SYE?window=28", "/usage/agencies/SYE?window=28")]
    [InlineData("/", "/")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("benefits", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    // Browsers drop tabs and line breaks from an address before they read it: "/\t/evil" is "//evil" to them.
    [InlineData("/\t/evil.example/", "/")]
    [InlineData("/\n/evil.example/", "/")]
    [InlineData("/\r\\evil.example/", "/")]
    [InlineData("/ok\u0000", "/")]
    public void A_return_address_after_sign_in_stays_on_this_site(string? returnUrl, string expected)
    {
        Assert.Equal(expected, AccessModule.SafeReturnUrl(returnUrl));
    }
}
