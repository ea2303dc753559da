using System;
using System.IO;
using Gen.Core.Tests.Data.Support;
using Gen.Data;
using Xunit;

namespace Gen.Core.Tests.Data.Storage;

public class DataStoreTests
{
    private static DataFile SampleFile(params Uri[] origins) => Samples.File(origins);

    [Fact]
    public void A_missing_file_is_downloaded_once_then_read_from_the_data_directory()
    {
        using var server = new LocalHttpServer();
        using var dir = new TempDirectory();
        server.Serve("binarized_mnist_sample.amat", Samples.AmatText());
        var source = DataSource.At(dir.Path).WithMirror(server.BaseUri);

        var first = DataStore.Read(SampleFile(), source);
        var second = DataStore.Read(SampleFile(), source);

        Assert.Equal(1, server.Requests);
        Assert.Equal(Samples.Sha256, first.Sha256);
        Assert.Equal(Samples.Sha256, second.Sha256);
        Assert.Equal(new[] { "binarized-mnist/sample-idx3-ubyte.gz" }, dir.Files());
    }

    [Fact]
    public void Origins_are_tried_in_order_until_one_serves_the_file()
    {
        using var server = new LocalHttpServer();
        using var dir = new TempDirectory();
        server.Serve("binarized_mnist_sample.amat", Samples.AmatText());

        var array = DataStore.Read(SampleFile(LocalHttpServer.Unreachable(), server.BaseUri), DataSource.At(dir.Path));

        Assert.Equal(Samples.Sha256, array.Sha256);
    }

    [Fact]
    public void An_uncompressed_file_in_the_data_directory_is_found_too()
    {
        using var dir = new TempDirectory();
        var raw = dir.Write("binarized-mnist/sample-idx3-ubyte", IdxBytes.Gunzip(Samples.GzipIdx()));

        Assert.Equal(raw, DataStore.Locate(SampleFile(), DataSource.At(dir.Path).WithDownload(false)));
    }

    [Fact]
    public void A_file_as_published_beside_the_stored_one_is_converted_and_verified_offline()
    {
        // Binarized MNIST is published as .amat text; a user who has it puts it in binarized-mnist/ and needs no network.
        using var dir = new TempDirectory();
        var published = dir.Write("binarized-mnist/binarized_mnist_sample.amat", Samples.AmatText());

        var array = DataStore.Read(SampleFile(LocalHttpServer.Unreachable()), DataSource.At(dir.Path).WithDownload(false));

        Assert.Equal(Samples.Sha256, array.Sha256);
        Assert.Contains("binarized-mnist/sample-idx3-ubyte.gz", dir.Files());
        Assert.Equal(Samples.AmatText(), File.ReadAllBytes(published)); // left as it was

        // A published file with other content is refused by its checksum, and nothing is stored.
        using var other = new TempDirectory();
        var text = Samples.AmatText();
        text[0] = text[0] == (byte)'0' ? (byte)'1' : (byte)'0';
        other.Write("binarized-mnist/binarized_mnist_sample.amat", text);
        var e = Assert.Throws<GenDataException>(() => DataStore.Read(SampleFile(), DataSource.At(other.Path).WithDownload(false)));
        Assert.Contains("sha256", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("binarized-mnist/sample-idx3-ubyte.gz", other.Files());
    }

    [Fact]
    public void When_every_origin_fails_the_message_lists_them_and_says_what_to_do()
    {
        using var server = new LocalHttpServer();
        using var dir = new TempDirectory();
        var offline = LocalHttpServer.Unreachable();

        var e = Assert.Throws<GenDataException>(() => DataStore.Read(SampleFile(offline, server.BaseUri), DataSource.At(dir.Path)));

        var expectedPath = Path.Combine(dir.Path, "binarized-mnist", "sample-idx3-ubyte.gz");
        Assert.Equal(expectedPath, e.Path);
        Assert.StartsWith($"{expectedPath}: not found, and downloading it failed:", e.Message);
        Assert.Contains($"{new Uri(offline, "binarized_mnist_sample.amat")}: cannot download", e.Message);
        Assert.Contains($"{new Uri(server.BaseUri, "binarized_mnist_sample.amat")}: the server answered 404", e.Message);
        Assert.Contains("If this machine is offline", e.Message);
        Assert.Contains("GEN_DATA_DIR", e.Message);
        Assert.Empty(dir.Files());
    }

    [Fact]
    public void With_downloads_off_a_missing_file_is_an_error_that_names_it()
    {
        using var server = new LocalHttpServer();
        using var dir = new TempDirectory();
        server.Serve("binarized_mnist_sample.amat", Samples.AmatText());

        var e = Assert.Throws<GenDataException>(() => DataStore.Read(SampleFile(server.BaseUri), DataSource.At(dir.Path).WithDownload(false)));

        Assert.Contains("sample-idx3-ubyte.gz: not found, and downloads are turned off", e.Message);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public void A_stored_file_with_the_wrong_content_fails_its_checksum_and_is_kept()
    {
        using var dir = new TempDirectory();
        var other = IdxBytes.GzipCompress(IdxBytes.UnsignedBytes(new byte[200 * 784], Samples.Dimensions));
        var path = dir.Write("binarized-mnist/sample-idx3-ubyte.gz", other);

        var e = Assert.Throws<GenDataException>(() => DataStore.Read(SampleFile(), DataSource.At(dir.Path).WithDownload(false)));

        Assert.StartsWith($"{path}: sha256 of the decompressed content is ", e.Message);
        Assert.Contains($"expected {Samples.Sha256}", e.Message);
        Assert.Contains("Delete the file", e.Message);
        Assert.Equal(other, File.ReadAllBytes(path));
    }

    [Fact]
    public void The_directory_is_the_explicit_one_then_GEN_DATA_DIR_then_the_user_cache()
    {
        var explicitDir = Path.Combine(Path.GetTempPath(), "explicit");
        var fromEnvironment = Path.Combine(Path.GetTempPath(), "from-env");

        Assert.Equal(explicitDir, DataDirectory.ResolveWith(explicitDir, _ => fromEnvironment));
        Assert.Equal(fromEnvironment, DataDirectory.ResolveWith(null, v => v == "GEN_DATA_DIR" ? fromEnvironment : null));
        Assert.Equal(DataDirectory.UserCache, DataDirectory.ResolveWith(null, _ => null));
        Assert.Equal(DataDirectory.UserCache, DataDirectory.ResolveWith(string.Empty, _ => string.Empty));
        Assert.Equal(Path.Combine(Gen.Runtime.PatchedLibraryCache.Root(), "data"), DataDirectory.UserCache);
        Assert.Equal(explicitDir, DataSource.At(explicitDir).ResolveDirectory());
    }
}
