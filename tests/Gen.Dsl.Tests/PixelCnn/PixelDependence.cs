using System;
using TorchSharp;

namespace Gen.Dsl.Tests.PixelCnn;

/// <summary>Which inputs each head parameter depends on, from autograd: exact zeros are exact independence.</summary>
internal static class PixelDependence
{
    /// <summary>
    /// For a network giving head parameters [batch, C, H, W, K] from images x [batch, C, H, W]: entry [c, i, j, c2, i2, j2]
    /// is whether the parameters of channel c at pixel (i, j) have a non-zero gradient with respect to input channel c2
    /// at pixel (i2, j2) for some image of the batch.
    /// </summary>
    internal static bool[,,,,,] Influence(Func<torch.Tensor, torch.Tensor> headParameters, torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var input = x.detach().requires_grad_(true);
        var output = headParameters(input);
        int c = (int)x.shape[1], h = (int)x.shape[2], w = (int)x.shape[3];
        var result = new bool[c, h, w, c, h, w];
        for (int oc = 0; oc < c; oc++)
        {
            for (int oi = 0; oi < h; oi++)
            {
                for (int oj = 0; oj < w; oj++)
                {
                    using var step = torch.NewDisposeScope();
                    var target = output.select(3, oj).select(2, oi).select(1, oc).sum();
                    var grad = torch.autograd.grad(new[] { target }, new[] { input }, retain_graph: true, allow_unused: true)[0];
                    var nonzero = grad.abs().sum(dim: 0).gt(0).data<bool>().ToArray();
                    for (int k = 0; k < nonzero.Length; k++)
                    {
                        result[oc, oi, oj, k / (h * w), k / w % h, k % w] = nonzero[k];
                    }
                }
            }
        }

        return result;
    }

    /// <summary>Calls <paramref name="check"/> with every (output channel, row, column, input channel, row, column) of a C×H×W image.</summary>
    internal static void ForEachPair(int c, int h, int w, Action<int, int, int, int, int, int> check)
    {
        for (int k = 0; k < c * h * w * c * h * w; k++)
        {
            int input = k % (c * h * w), output = k / (c * h * w);
            check(output / (h * w), output / w % h, output % w, input / (h * w), input / w % h, input % w);
        }
    }

    /// <summary>Whether input (c2, i2, j2) comes before output (c, i, j): an earlier pixel in raster order, or an earlier channel of the same pixel.</summary>
    internal static bool Before(int c2, int i2, int j2, int c, int i, int j) =>
        i2 < i || (i2 == i && j2 < j) || (i2 == i && j2 == j && c2 < c);

    /// <summary>
    /// Makes every weight non-negative and sets every bias to <paramref name="bias"/>. With a bias larger than any
    /// first-layer pre-activation can fall below zero, every ReLU is active and every path through the network has a
    /// positive gain, so nothing cancels: the gradient of an output is non-zero exactly where the masks (untouched)
    /// leave a path from the input. Gates (tanh · sigmoid) stay unsaturated for small weights and biases.
    /// </summary>
    internal static void OpenAllPaths(torch.nn.Module model, double bias, double weightScale = 1)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            if (name.EndsWith("bias", StringComparison.Ordinal))
            {
                p.fill_(bias);
            }
            else
            {
                p.abs_().mul_(weightScale);
            }
        }
    }

    /// <summary>
    /// Whether pixel (i2, j2) lies in the nominal receptive field of pixel (i, j) after a 7×7 first layer and
    /// <paramref name="layers3x3"/> 3×3 layers: rows i − 3 − L … i − 1 within 3 + L columns either side, and the 3 + L
    /// pixels to the left in row i.
    /// </summary>
    internal static bool InField(int i2, int j2, int i, int j, int layers3x3)
    {
        int reach = 3 + layers3x3;
        return (i2 >= i - reach && i2 < i && Math.Abs(j2 - j) <= reach) || (i2 == i && j2 < j && j2 >= j - reach);
    }

    /// <summary>Random images for the head: binary for Bernoulli, integers 0 … levels − 1 for the other heads.</summary>
    internal static torch.Tensor Images(long batch, long c, long h, long w, HeadSpec head, long seed)
    {
        int levels = head switch
        {
            CategoricalHead cat => cat.Levels,
            DiscretizedLogisticMixtureHead mixture => mixture.Levels,
            _ => 2,
        };
        return torch.randint(levels, new[] { batch, c, h, w }, dtype: torch.float64, generator: Gen.Seed.Generator(seed));
    }
}
