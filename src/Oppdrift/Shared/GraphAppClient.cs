using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Graph;
using Microsoft.Graph.Authentication;

namespace Oppdrift.Shared;

/// <summary>An app registration that calls Microsoft Graph with its own credentials (application permissions).</summary>
public sealed record GraphApp
{
    public required string TenantId { get; init; }

    public required string ClientId { get; init; }

    public string? ClientSecret { get; init; }

    /// <summary>A PFX or PEM file with the app's certificate and private key; used when no client secret is set.</summary>
    public string? CertificatePath { get; init; }

    public string? CertificatePassword { get; init; }

    /// <summary>Microsoft Graph with its version; national clouds and proxies use another host.</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>Where tokens come from; national clouds have their own.</summary>
    public required Uri AuthorityHost { get; init; }
}

/// <summary>
/// The Microsoft Graph SDK client both Graph pulls use (usage reports, directory changes): signed in as the app, with
/// the SDK's retry, redirect and authentication middleware.
/// </summary>
public static class GraphAppClient
{
    /// <summary>
    /// A client signed in as <paramref name="app"/>. <paramref name="transport"/> replaces the network for both the token
    /// endpoint and Graph (a proxy, or recorded exchanges in tests); the SDK's middleware runs either way.
    /// </summary>
    public static GraphServiceClient Create(GraphApp app, HttpMessageHandler? transport = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var credential = CreateCredential(app, transport);
        var graphHost = app.BaseUrl.GetLeftPart(UriPartial.Authority);
        // Tokens go to the configured Graph host only; never to a download host Graph redirects to.
        var authentication = new AzureIdentityAuthenticationProvider(credential, [app.BaseUrl.Host], null, true, $"{graphHost}/.default");
        var handlers = GraphClientFactory.CreateDefaultHandlers();
        var http = GraphClientFactory.Create(handlers, finalHandler: transport, disposeHandler: transport is null);
        return new GraphServiceClient(http, authentication, app.BaseUrl.ToString().TrimEnd('/'));
    }

    private static TokenCredential CreateCredential(GraphApp app, HttpMessageHandler? transport)
    {
        void Configure(TokenCredentialOptions credentialOptions)
        {
            credentialOptions.AuthorityHost = app.AuthorityHost;
            if (transport is not null)
            {
                credentialOptions.Transport = new HttpClientTransport(new HttpClient(transport, disposeHandler: false));
            }
        }

        if (!string.IsNullOrWhiteSpace(app.ClientSecret))
        {
            var secretOptions = new ClientSecretCredentialOptions();
            Configure(secretOptions);
            return new ClientSecretCredential(app.TenantId, app.ClientId, app.ClientSecret, secretOptions);
        }
        var certificateOptions = new ClientCertificateCredentialOptions();
        Configure(certificateOptions);
        if (string.IsNullOrEmpty(app.CertificatePassword))
        {
            return new ClientCertificateCredential(app.TenantId, app.ClientId, app.CertificatePath, certificateOptions);
        }
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(app.CertificatePath!, app.CertificatePassword);
        return new ClientCertificateCredential(app.TenantId, app.ClientId, certificate, certificateOptions);
    }

    /// <summary>The first line of an exception's message, for a log line or a status shown to a person.</summary>
    public static string FirstLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}
