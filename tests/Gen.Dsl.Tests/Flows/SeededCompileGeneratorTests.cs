using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Flows;

/// <summary>
/// Reads TorchSharp's global generator, so it runs alone, after the tests that draw from it: beside them it saw their
/// draws and failed now and then.
/// </summary>
[Collection(Checkpoints.GlobalGeneratorTests.Name)]
public sealed class SeededCompileGeneratorTests
{
    [Fact]
    public void A_seeded_compile_leaves_the_global_generator_where_it_was()
    {
        Seed.Everything(11);
        var expected = torch.rand(5);
        Seed.Everything(11);
        using (Autoregressive.Made(6, 8).Compile(Device.Cpu, seed: 1))
        {
        }

        Assert.True(torch.rand(5).allclose(expected, 0, 0));
    }
}
