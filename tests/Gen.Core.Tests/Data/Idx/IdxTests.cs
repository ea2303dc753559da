using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using Gen.Core.Tests.Data.Support;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Core.Tests.Data.Idx;

public class IdxTests
{
    private const string SampleResource = Samples.Resource;

    private static GenDataException Fails(byte[] bytes, string source = "test.idx") =>
        Assert.Throws<GenDataException>(() => Gen.Data.Idx.Parse(bytes, source));

    [Fact]
    public void The_embedded_sample_is_a_valid_gzip_idx_file_of_binary_images()
    {
        var array = Gen.Data.Idx.Parse(EmbeddedData.Read(SampleResource), SampleResource);

        Assert.Equal(IdxElementType.UnsignedByte, array.ElementType);
        Assert.Equal(0x00000803, array.Magic);
        Assert.Equal(new[] { 200, 28, 28 }, array.Dimensions);
        Assert.Equal(200L * 28 * 28, array.Count);
        Assert.Equal("482fdf440d7febeee614409d1760aa21a46feb85f81f58d07a40c8a8e866edd0", array.Sha256);
        Assert.All(array.Data.ToArray(), b => Assert.True(b <= 1));

        using var t = array.ToTensor(torch.CPU);
        Assert.Equal(torch.uint8, t.dtype);
        Assert.Equal(new long[] { 200, 28, 28 }, t.shape);
        Assert.Equal(array.Data.ToArray().Sum(b => (long)b), t.sum().item<long>());
    }

    [RequiresDataFact("binarized-mnist/test-images-idx3-ubyte")]
    public void The_embedded_sample_is_every_fiftieth_image_of_the_real_test_split()
    {
        var full = Gen.Data.Idx.Read(SharedData.File("binarized-mnist/test-images-idx3-ubyte")!);
        var sample = Gen.Data.Idx.Parse(EmbeddedData.Read(SampleResource), SampleResource);

        Assert.Equal(new[] { 10000, 28, 28 }, full.Dimensions);
        for (int i = 0; i < 200; i++)
        {
            Assert.True(full.Data.Span.Slice(i * 50 * 784, 784).SequenceEqual(sample.Data.Span.Slice(i * 784, 784)), $"image {i}");
        }
    }

    [RequiresDataFact("mnist/t10k-images-idx3-ubyte", "mnist/t10k-labels-idx1-ubyte")]
    public void Real_mnist_files_read_with_their_published_shapes_and_checksums()
    {
        var images = Gen.Data.Idx.Read(SharedData.File("mnist/t10k-images-idx3-ubyte")!);
        var labels = Gen.Data.Idx.Read(SharedData.File("mnist/t10k-labels-idx1-ubyte")!);

        Assert.Equal(0x803, images.Magic);
        Assert.Equal(new[] { 10000, 28, 28 }, images.Dimensions);
        Assert.Equal("0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", images.Sha256);
        Assert.Equal(0x801, labels.Magic);
        Assert.Equal(new[] { 10000 }, labels.Dimensions);
        Assert.Equal("ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", labels.Sha256);
        // The first test digit of MNIST is a 7; every label is a digit.
        Assert.Equal(7, labels.Data.Span[0]);
        Assert.All(labels.Data.ToArray(), l => Assert.InRange(l, 0, 9));
    }

    [Fact]
    public void Raw_and_gzip_content_parse_alike_whatever_the_file_is_called()
    {
        var data = Enumerable.Range(0, 24).Select(i => (byte)(i * 7)).ToArray();
        var raw = IdxBytes.UnsignedBytes(data, 2, 3, 4);
        using var dir = new TempDirectory();

        // Names that lie about the compression: detection goes by the magic bytes.
        var rawPath = dir.Write("raw.gz", raw);
        var gzPath = dir.Write("compressed-idx3-ubyte", IdxBytes.GzipCompress(raw));
        foreach (var array in new[] { Gen.Data.Idx.Read(rawPath), Gen.Data.Idx.Read(gzPath) })
        {
            Assert.Equal(new[] { 2, 3, 4 }, array.Dimensions);
            Assert.Equal(data, array.Data.ToArray());
            using var t = array.ToTensor(torch.CPU, torch.float32);
            Assert.Equal(torch.float32, t.dtype);
            Assert.Equal(data[23], t[1, 2, 3].item<float>());
        }
    }

    [Fact]
    public void Every_element_type_decodes_big_endian_values()
    {
        static byte[] File(byte type, int size, Action<Span<byte>, int> write, int count)
        {
            var data = new byte[size * count];
            for (int i = 0; i < count; i++)
            {
                write(data.AsSpan(i * size, size), i);
            }

            return IdxBytes.Concat(IdxBytes.Header(type, count), data);
        }

        double[] Values(byte[] bytes)
        {
            using var t = Gen.Data.Idx.Parse(bytes, "t").ToTensor(torch.CPU, torch.float64);
            return t.data<double>().ToArray();
        }

        var expected = new[] { -300.0, 0.0, 2.5e4 };
        Assert.Equal(expected, Values(File(0x0B, 2, (s, i) => BinaryPrimitives.WriteInt16BigEndian(s, (short)expected[i]), 3)));
        Assert.Equal(expected, Values(File(0x0C, 4, (s, i) => BinaryPrimitives.WriteInt32BigEndian(s, (int)expected[i]), 3)));
        Assert.Equal(expected, Values(File(0x0D, 4, (s, i) => BinaryPrimitives.WriteSingleBigEndian(s, (float)expected[i]), 3)));
        Assert.Equal(expected, Values(File(0x0E, 8, (s, i) => BinaryPrimitives.WriteDoubleBigEndian(s, expected[i]), 3)));
        Assert.Equal(new[] { -128.0, -1.0, 127.0 }, Values(IdxBytes.Concat(IdxBytes.Header(0x09, 3), new byte[] { 0x80, 0xFF, 0x7F })));

        using var natural = Gen.Data.Idx.Parse(File(0x0C, 4, (s, i) => BinaryPrimitives.WriteInt32BigEndian(s, i), 3), "t").ToTensor(torch.CPU);
        Assert.Equal(torch.int32, natural.dtype);
    }

    [Fact]
    public void A_truncated_raw_file_names_the_file_and_the_expected_and_actual_byte_counts()
    {
        var whole = IdxBytes.UnsignedBytes(new byte[10 * 28 * 28], 10, 28, 28);
        var e = Fails(whole[..^100], "images.idx");

        Assert.Equal("images.idx", e.Path);
        Assert.Contains("images.idx: truncated IDX file", e.Message);
        Assert.Contains("10 x 28 x 28 unsigned bytes", e.Message);
        Assert.Contains($"{whole.Length} bytes with the header", e.Message);
        Assert.Contains($"the content has {whole.Length - 100} bytes (100 missing)", e.Message);
    }

    [Fact]
    public void A_truncated_gzip_file_is_reported_as_truncated_with_its_sizes()
    {
        var sample = EmbeddedData.Read(SampleResource);
        var e = Fails(sample[..(sample.Length / 2)], "sample.gz");

        Assert.Contains("sample.gz: truncated IDX file", e.Message);
        Assert.Contains("200 x 28 x 28 unsigned bytes, 156816 bytes with the header", e.Message);
        Assert.Contains($"gzip stream ({sample.Length / 2} compressed bytes)", e.Message);
        Assert.Contains("the compressed file is truncated", e.Message);
    }

    [Fact]
    public void A_file_cut_inside_its_header_says_how_long_the_header_should_be()
    {
        var header = IdxBytes.Header(0x08, 10, 28, 28);
        var e = Fails(header[..9]);
        Assert.Contains("truncated IDX header: magic number 0x00000803 announces 3 dimensions, so the header takes 16 bytes, but the content has 9", e.Message);

        var tiny = Fails(new byte[] { 0, 0 });
        Assert.Contains("too short for an IDX file: 2 bytes", tiny.Message);
    }

    [Fact]
    public void Trailing_bytes_are_an_error_too()
    {
        var e = Fails(IdxBytes.UnsignedBytes(new byte[7], 5));
        Assert.Contains("IDX file too long", e.Message);
        Assert.Contains("(2 bytes too many)", e.Message);
    }

    [Fact]
    public void A_wrong_magic_number_is_shown_in_hex()
    {
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
        var e = Fails(png, "picture.png");
        Assert.Contains("picture.png: not an IDX file: magic number 0x89504E47, expected 0x0000TTRR", e.Message);

        var unknownType = Fails(IdxBytes.Concat(IdxBytes.Header(0x07, 1), new byte[] { 1 }));
        Assert.Contains("magic number 0x00000701", unknownType.Message);

        var rankZero = Fails(new byte[] { 0, 0, 8, 0 });
        Assert.Contains("magic number 0x00000800", rankZero.Message);
    }

    [Fact]
    public void Corrupt_gzip_data_is_reported_as_corrupt()
    {
        var compressed = EmbeddedData.Read(SampleResource);
        var corrupt = (byte[])compressed.Clone();
        for (int i = 20; i < 60; i++)
        {
            corrupt[i] ^= 0x5A;
        }

        var e = Assert.ThrowsAny<GenDataException>(() => Gen.Data.Idx.Parse(corrupt, "corrupt.gz"));
        Assert.StartsWith("corrupt.gz: ", e.Message);
    }

    [Fact]
    public void A_huge_announced_size_is_reported_exactly()
    {
        var e = Fails(IdxBytes.Concat(IdxBytes.Header(0x0E, int.MaxValue, int.MaxValue, int.MaxValue), new byte[8]));
        Assert.Contains("2147483647 x 2147483647 x 2147483647 64-bit floats", e.Message);
        Assert.Contains("truncated IDX file", e.Message);
    }

    [Fact]
    public void A_missing_file_names_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gen-missing-{Guid.NewGuid():N}", "train-images-idx3-ubyte.gz");
        var e = Assert.Throws<GenDataException>(() => Gen.Data.Idx.Read(path));
        Assert.Equal(path, e.Path);
        Assert.StartsWith($"{path}: cannot read the file", e.Message);
    }
}
