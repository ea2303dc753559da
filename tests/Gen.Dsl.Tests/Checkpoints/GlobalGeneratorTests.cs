using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Checkpoints;

/// <summary>Reads TorchSharp's global generator, so it runs alone, after the tests that draw from it.</summary>
[Collection(Name)]
public sealed class GlobalGeneratorTests
{
    public const string Name = "Global generator (checkpoints)";

    [Fact]
    public void Loading_leaves_the_global_generator_where_it_was()
    {
        using var model = CheckpointModels.Build("flow");
        var path = CheckpointModels.SaveToNewFile(model);
        Seed.Everything(21);
        var expected = torch.rand(6);
        Seed.Everything(21);
        using (Model.Load(path, Device.Cpu))
        {
        }

        Assert.True(torch.rand(6).allclose(expected, 0, 0));
    }
}

/// <summary>Tests that must not interleave with others drawing from the global generator.</summary>
[CollectionDefinition(GlobalGeneratorTests.Name, DisableParallelization = true)]
public sealed class GlobalGeneratorCollection
{
}
