using System.Linq;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Core.Tests.Data;

public class DigitsTests
{
    [Fact]
    public void The_embedded_digits_load_with_their_shapes_ranges_and_classes()
    {
        var digits = Digits.Load(torch.CPU);
        using var images = digits.Images;
        using var labels = digits.Labels;

        Assert.Equal(new long[] { Digits.Count, Digits.Pixels }, images.shape);
        Assert.Equal(0f, images.min().item<float>());
        Assert.Equal(Digits.MaxValue, images.max().item<float>());
        using var counts = torch.bincount(labels, minlength: 10);
        // The UCI optdigits test set has between 174 and 183 examples of each digit.
        Assert.All(counts.data<long>().ToArray(), c => Assert.InRange(c, 174, 183));
    }
}
