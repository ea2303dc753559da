using System;
using TorchSharp;

namespace Gen.Probability.Tests.Distributions;

/// <summary>
/// A distribution that is another one with some of its parts replaced: how the law tests build wrong components (a
/// sampler from elsewhere, a log-density off by a constant). Parts not replaced are the inner distribution's; without
/// a replacement, SampleAndLogProb draws with the (possibly replaced) sampler and scores with the (possibly replaced)
/// log-density.
/// </summary>
internal sealed class TamperedDistribution : IDistribution
{
    private readonly IDistribution inner;
    private readonly Func<long[], torch.Generator?, torch.Tensor>? sample;
    private readonly Func<torch.Tensor, torch.Tensor>? logProb;
    private readonly Func<long[], torch.Generator?, Sampled>? sampleAndLogProb;

    public TamperedDistribution(
        IDistribution inner,
        Func<long[], torch.Generator?, torch.Tensor>? sample = null,
        Func<torch.Tensor, torch.Tensor>? logProb = null,
        Func<long[], torch.Generator?, Sampled>? sampleAndLogProb = null)
    {
        this.inner = inner;
        this.sample = sample;
        this.logProb = logProb;
        this.sampleAndLogProb = sampleAndLogProb;
    }

    public long[] BatchShape => inner.BatchShape;

    public long[] EventShape => inner.EventShape;

    public bool IsReparameterized => sample is null && inner.IsReparameterized;

    public torch.Tensor Sample(long[] sampleShape, torch.Generator? generator = null) =>
        sample is null ? inner.Sample(sampleShape, generator) : sample(sampleShape, generator);

    public torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null) =>
        sample is null ? inner.RSample(sampleShape, generator) : throw new NotSupportedException();

    public torch.Tensor LogProb(torch.Tensor value) => logProb is null ? inner.LogProb(value) : logProb(value);

    public Sampled SampleAndLogProb(long[] sampleShape, torch.Generator? generator = null)
    {
        if (sampleAndLogProb is not null)
        {
            return sampleAndLogProb(sampleShape, generator);
        }

        var x = Sample(sampleShape, generator);
        return new Sampled(x, LogProb(x));
    }
}
