using System;
using System.Collections.Generic;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>A differentiable sampler made from a function (see <see cref="Sampler.From"/>).</summary>
internal sealed class FunctionSampler : IDifferentiableSampler
{
    private readonly long[] shape;
    private readonly Func<long, torch.Generator?, torch.Tensor> draw;
    private readonly string node;

    public FunctionSampler(long[] shape, Func<long, torch.Generator?, torch.Tensor> draw, string node)
    {
        this.shape = shape;
        this.draw = draw;
        this.node = node;
    }

    public IReadOnlyList<long> SampleShape => shape;

    public torch.Tensor RSample(long count, torch.Generator? generator = null)
    {
        ModelInput.CheckCount(count, node);
        var samples = draw(count, generator) ?? throw new InvalidOperationException($"{node}: the sampling function returned null.");
        if (samples.dim() != shape.Length + 1 || samples.shape[0] != count || !samples.shape.AsSpan(1).SequenceEqual(shape))
        {
            var expected = new long[shape.Length + 1];
            expected[0] = count;
            shape.CopyTo(expected, 1);
            throw new GenShapeException(node, $"expected {count} samples of shape {Shape.Format(shape)}, {Shape.Format(expected)}, but the sampling function gave {Shape.Format(samples.shape)}.");
        }

        return samples;
    }
}
