using System;
using System.Collections.Generic;

namespace Gen.Dsl;

/// <summary>
/// Entry point for flows over images [C, H, W]: presets for multi-scale RealNVP and Glow, or any sequence of steps. Each
/// is a <see cref="FlowSpec"/> listed from data to base (<see cref="Flow.DataToBase"/>), the one flow mechanism for
/// every event shape.
/// </summary>
public static class ImageFlow
{
    /// <summary>
    /// A flow over images [<paramref name="channels"/>, <paramref name="height"/>, <paramref name="width"/>] with no steps
    /// and no preprocessing yet, listed from data to base: <see cref="Flow.DataToBase"/> over [C, H, W].
    /// </summary>
    /// <exception cref="GenShapeException">A size is not positive.</exception>
    public static FlowSpec Over(int channels, int height, int width)
    {
        if (channels < 1 || height < 1 || width < 1)
        {
            throw new GenShapeException("flow", $"image sizes must be positive, got [{channels}, {height}, {width}] (C, H, W).");
        }

        return Flow.DataToBase(channels, height, width);
    }

    /// <summary>
    /// The multi-scale RealNVP of Dinh et al. (2017) over 8-bit images: at each scale but the last, three affine
    /// couplings with alternating checkerboard masks, a squeeze, three with alternating channel masks, and a factor-out;
    /// at the last scale, four checkerboard couplings. Every conditioner is a <see cref="Net.ConvResNet"/> with
    /// <paramref name="hidden"/> channels and <paramref name="blocks"/> residual blocks. Preprocessing: the logit map with
    /// α = 0.05 over 256 levels (change it with <see cref="FlowSpec.WithPreprocessing"/>).
    /// </summary>
    /// <exception cref="GenShapeException">A size does not fit: H and W must be divisible by 2^(scales − 1).</exception>
    public static FlowSpec RealNvp(int channels, int height, int width, int scales, int hidden, int blocks)
    {
        CheckCount(scales, "scales");
        var net = Net.ConvResNet(hidden, blocks);
        var steps = new List<BijSpec>();
        for (int scale = 0; scale < scales; scale++)
        {
            bool last = scale == scales - 1;
            for (int i = 0; i < (last ? 4 : 3); i++)
            {
                steps.Add(ImageBij.AffineCoupling(ImageMask.Checkerboard(odd: i % 2 == 1), net));
            }

            if (!last)
            {
                steps.Add(ImageBij.Squeeze());
                for (int i = 0; i < 3; i++)
                {
                    steps.Add(ImageBij.AffineCoupling(ImageMask.Channel(second: i % 2 == 1), net));
                }

                steps.Add(ImageBij.FactorOut());
            }
        }

        return Over(channels, height, width).WithPreprocessing(ImagePreprocessing.Logit(256, 0.05)).Then(steps);
    }

    /// <summary>
    /// Glow (Kingma and Dhariwal 2018) over 8-bit images: <paramref name="levels"/> levels, each a squeeze, then
    /// <paramref name="stepsPerLevel"/> steps of flow (ActNorm, LU-parametrised invertible 1×1 convolution, affine
    /// coupling with a channel mask whose conditioner is a <see cref="Net.ConvResNet"/> with <paramref name="hidden"/>
    /// channels and no residual blocks: 3×3 convolution, ReLU, zero-initialised 3×3 convolution), then a factor-out on
    /// every level but the last. Preprocessing: y/256 − ½ (change it with <see cref="FlowSpec.WithPreprocessing"/>).
    /// </summary>
    /// <exception cref="GenShapeException">A size does not fit: H and W must be divisible by 2^levels.</exception>
    public static FlowSpec Glow(int channels, int height, int width, int levels, int stepsPerLevel, int hidden)
    {
        CheckCount(levels, "levels");
        CheckCount(stepsPerLevel, "steps_per_level");
        var net = Net.ConvResNet(hidden, 0);
        var steps = new List<BijSpec>();
        for (int level = 0; level < levels; level++)
        {
            steps.Add(ImageBij.Squeeze());
            for (int k = 0; k < stepsPerLevel; k++)
            {
                steps.Add(ImageBij.ActNorm());
                steps.Add(ImageBij.Conv1x1(lu: true));
                steps.Add(ImageBij.AffineCoupling(ImageMask.Channel(), net));
            }

            if (level < levels - 1)
            {
                steps.Add(ImageBij.FactorOut());
            }
        }

        return Over(channels, height, width).WithPreprocessing(ImagePreprocessing.Centred(256)).Then(steps);
    }

    private static void CheckCount(int value, string name)
    {
        if (value < 1)
        {
            throw new GenShapeException($"flow.{name}", $"must be at least 1, got {value}.");
        }
    }
}
