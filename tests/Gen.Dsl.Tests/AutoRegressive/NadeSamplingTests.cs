using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.AutoRegressive;

/// <summary>
/// NADE samples with its hidden pre-activations as a running sum, one column added per drawn feature (O(DH)); it must
/// draw what plain ancestral sampling draws, which recomputes the whole network for every feature.
/// </summary>
public class NadeSamplingTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_running_sum_sampler_draws_what_full_passes_draw(bool float32)
    {
        var spec = Autoregressive.Nade(24, 40).WithOrder(InputOrder.Random(3));
        using var model = spec.Compile(Device.Cpu, float32 ? torch.float32 : torch.float64, seed: 1);
        using (torch.no_grad())
        {
            foreach (var p in model.parameters())
            {
                p.mul_(3); // logits away from 0, so the draws depend on the weights
            }
        }

        var fast = model.Sample(300, Seed.Generator(5));
        var slow = model.SampleByFullPasses(300, Seed.Generator(5));
        Assert.Equal(0, fast.ne(slow).sum().ToInt64());
        Assert.True(fast.mean().ToDouble() is > 0.05 and < 0.95, "the draws vary");
    }
}
