using System.Linq;
using System.Text;
using Gen.Core.Tests.Data.Support;
using Gen.Data;
using Xunit;

namespace Gen.Core.Tests.Data.Storage;

public class AmatTextTests
{
    [Fact]
    public void Text_converts_to_the_same_idx_content_as_the_embedded_sample()
    {
        var idx = AmatText.ToIdx(Samples.AmatText(), "sample.amat", side: 28);
        Assert.Equal(Samples.Sha256, Checksum.Sha256(idx));
    }

    [Fact]
    public void Windows_line_ends_tabs_and_blank_lines_are_accepted()
    {
        var text = Encoding.ASCII.GetBytes("0 1\t1 0\r\n\r\n1 1 1 1\r\n");
        var array = Gen.Data.Idx.Parse(AmatText.ToIdx(text, "t", side: 2), "t");
        Assert.Equal(new[] { 2, 2, 2 }, array.Dimensions);
        Assert.Equal(new byte[] { 0, 1, 1, 0, 1, 1, 1, 1 }, array.Data.ToArray());
    }

    [Fact]
    public void A_short_line_or_a_value_other_than_0_or_1_is_rejected_with_its_line_number()
    {
        var shortLine = Assert.Throws<GenDataException>(() => AmatText.ToIdx(Encoding.ASCII.GetBytes("0 1 1 0\n0 1 1\n"), "t.amat", side: 2));
        Assert.Equal("t.amat: line 2 holds 3 values, expected 4 (2 x 2 pixels).", shortLine.Message);

        foreach (var bad in new[] { "0 1 2 0\n", "0 1 10 0\n", "0 1 0.5 0\n" })
        {
            var e = Assert.Throws<GenDataException>(() => AmatText.ToIdx(Encoding.ASCII.GetBytes(bad), "t.amat", side: 2));
            Assert.StartsWith("t.amat: line 1 holds a value other than 0 or 1", e.Message);
        }

        Assert.Empty(Gen.Data.Idx.Parse(AmatText.ToIdx(Enumerable.Repeat((byte)'\n', 3).ToArray(), "t", side: 2), "t").Data.ToArray());
    }
}
