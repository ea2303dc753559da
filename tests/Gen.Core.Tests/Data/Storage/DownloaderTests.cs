using System;
using System.IO;
using Gen.Core.Tests.Data.Support;
using Gen.Data;
using Xunit;

namespace Gen.Core.Tests.Data.Storage;

public class DownloaderTests
{
    private const string Target = "binarized-mnist/sample-idx3-ubyte.gz";

    [Fact]
    public void A_good_gzip_file_is_saved_under_its_final_name_and_nothing_else_is_left()
    {
        using var server = new LocalHttpServer();
        using var dir = new TempDirectory();
        var published = Samples.GzipIdx();
        server.Serve("sample.gz", published);
        var destination = Path.Combine(dir.Path, Target);

        Downloader.Fetch(new Uri(server.BaseUri, "sample.gz"), destination, Samples.File());

        Assert.Equal(new[] { Target }, dir.Files());
        Assert.Equal(published, File.ReadAllBytes(destination));
        Assert.Equal(Samples.Sha256, Gen.Data.Idx.Read(destination).Sha256);
    }

    [Fact]
    public void The_published_text_form_of_binarized_mnist_is_stored_as_gzip_idx()
    {
        using var server = new LocalHttpServer();
        using var dir = new TempDirectory();
        server.Serve("binarized_mnist_test.amat", Samples.AmatText());
        var destination = Path.Combine(dir.Path, Target);

        Downloader.Fetch(new Uri(server.BaseUri, "binarized_mnist_test.amat"), destination, Samples.File());

        var bytes = File.ReadAllBytes(destination);
        Assert.Equal(new byte[] { 0x1f, 0x8b }, bytes[..2]);
        Assert.Equal(Samples.Sha256, Gen.Data.Idx.Read(destination).Sha256);
        Assert.Equal(new[] { Target }, dir.Files());
    }

    [Fact]
    public void A_wrong_checksum_saves_nothing_and_shows_both_hashes()
    {
        using var server = new LocalHttpServer();
        using var dir = new TempDirectory();
        server.Serve("sample.gz", Samples.GzipIdx());
        var wanted = new string('a', 64);
        var url = new Uri(server.BaseUri, "sample.gz");

        var e = Assert.Throws<GenDataException>(() => Downloader.Fetch(url, Path.Combine(dir.Path, Target), Samples.File() with { Sha256 = wanted }));

        Assert.Contains($"{url}: sha256 of the decompressed content is {Samples.Sha256}, expected {wanted}", e.Message);
        Assert.Contains("Nothing was saved", e.Message);
        Assert.Empty(dir.Files());
    }

    [Fact]
    public void A_transfer_shorter_than_its_content_length_saves_nothing()
    {
        using var server = new LocalHttpServer();
        using var dir = new TempDirectory();
        var published = Samples.GzipIdx();
        server.Serve("sample.gz", published, announcedLength: published.Length + 5000);
        var url = new Uri(server.BaseUri, "sample.gz");

        var e = Assert.Throws<GenDataException>(() => Downloader.Fetch(url, Path.Combine(dir.Path, Target), Samples.File()));

        Assert.StartsWith($"{url}: the transfer was cut short after {published.Length} bytes of the {published.Length + 5000} announced", e.Message);
        Assert.Empty(dir.Files());
    }

    [Fact]
    public void An_unreachable_server_gives_a_clear_error_and_saves_nothing()
    {
        using var dir = new TempDirectory();
        var url = new Uri(LocalHttpServer.Unreachable(), "sample.gz");

        var e = Assert.Throws<GenDataException>(() => Downloader.Fetch(url, Path.Combine(dir.Path, Target), Samples.File()));

        Assert.StartsWith($"{url}: cannot download: ", e.Message);
        Assert.Equal(url.AbsoluteUri, e.Path);
        Assert.Empty(dir.Files());
    }

    [Fact]
    public void An_http_error_status_is_reported()
    {
        using var server = new LocalHttpServer();
        using var dir = new TempDirectory();
        var url = new Uri(server.BaseUri, "absent.gz");

        var e = Assert.Throws<GenDataException>(() => Downloader.Fetch(url, Path.Combine(dir.Path, Target), Samples.File()));

        Assert.Equal($"{url}: the server answered 404 Not Found.", e.Message);
        Assert.Empty(dir.Files());
    }

    [Fact]
    public void An_error_page_served_as_success_is_recognised_and_quoted()
    {
        using var server = new LocalHttpServer();
        using var dir = new TempDirectory();
        server.Serve("sample.gz", System.Text.Encoding.ASCII.GetBytes("<html><body>Forbidden</body></html>"));
        var url = new Uri(server.BaseUri, "sample.gz");

        var e = Assert.Throws<GenDataException>(() => Downloader.Fetch(url, Path.Combine(dir.Path, Target), Samples.File()));

        Assert.Equal($"{url}: the content (35 bytes) is neither gzip, IDX nor the text form of binarized MNIST; it begins \"<html><body>Forbidden</body></html>\".", e.Message);
        Assert.Empty(dir.Files());
    }

    [Fact]
    public void A_failed_download_leaves_an_existing_file_alone()
    {
        using var server = new LocalHttpServer();
        using var dir = new TempDirectory();
        var destination = dir.Write(Target, Samples.GzipIdx());
        server.Serve("sample.gz", new byte[] { 1, 2, 3 }, announcedLength: 100);

        Assert.Throws<GenDataException>(() => Downloader.Fetch(new Uri(server.BaseUri, "sample.gz"), destination, Samples.File()));

        Assert.Equal(Samples.GzipIdx(), File.ReadAllBytes(destination));
        Assert.Equal(new[] { Target }, dir.Files());
    }
}
