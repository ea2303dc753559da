using System;
using System.Collections.Generic;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Specs;

public sealed class SampleCountTests
{
    public static IEnumerable<object[]> Samplers()
    {
        yield return new object[] { "flow.sample", (Func<long, object>)(n => Flow2().Sample(n)) };
        yield return new object[] { "flow.rsample", (Func<long, object>)(n => Flow2().RSample(n)) };
        yield return new object[] { "flow.sample_and_log_prob", (Func<long, object>)(n => Flow2().SampleAndLogProb(n)) };
        yield return new object[] { "flow.sample", (Func<long, object>)(n => ImageFlow.Glow(1, 4, 4, 1, 1, 4).Compile(Device.Cpu, seed: 0).Sample(n)) };
        yield return new object[] { "made.sample", (Func<long, object>)(n => Autoregressive.Made(4, 8).Compile(Device.Cpu, seed: 0).Sample(n)) };
        yield return new object[] { "vae.sample", (Func<long, object>)(n => Gen.Dsl.Latent.Vae(4, 2).WithEncoder(Net.Mlp(8)).WithDecoder(Net.Mlp(8)).Compile(Device.Cpu, seed: 0).Sample(n)) };
        yield return new object[] { "gan.sample", (Func<long, object>)(n => Adversarial.Gan(2, 2).Generator(Net.Mlp(8)).Discriminator(Net.Mlp(8)).Compile(Device.Cpu, seed: 0).Sample(n)) };
    }

    private static FlowModel Flow2() =>
        Flow.Over(Dist.StandardNormal(2)).Then(Bij.AffineCoupling(Mask.Alternating(2), Net.Mlp(8))).Compile(Device.Cpu, seed: 0);

    [Theory]
    [MemberData(nameof(Samplers))]
    public void A_count_below_one_is_refused_with_the_models_name(string node, Func<long, object> sample)
    {
        foreach (var count in new long[] { 0, -1 })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => sample(count));
            Assert.Contains(node, e.Message, StringComparison.Ordinal);
            Assert.Contains($"got {count}", e.Message, StringComparison.Ordinal);
        }

        Assert.NotNull(sample(1));
    }
}
