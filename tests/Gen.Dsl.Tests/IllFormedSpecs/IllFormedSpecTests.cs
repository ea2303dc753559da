using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TorchSharp;
using Xunit;
using FsGen = FsCheck.Fluent.Gen;

namespace Gen.Dsl.Tests.IllFormedSpecs;

/// <summary>
/// Every ill-formed spec is rejected where it is declared (or, for specs assembled with record constructors, at Compile)
/// with an argument error that names the node and the offending value, and before any tensor exists: none reaches libtorch.
/// </summary>
public class IllFormedSpecTests
{
    /// <summary>Tensors this thread has created so far (TorchSharp counts them per thread).</summary>
    private static long TensorsCreated()
    {
        var s = DisposeScopeManager.Statistics.TensorStatistics;
        return s.CreatedInScopeCount + s.CreatedOutsideScopeCount;
    }

    [Property(MaxTest = 400)]
    public Property Every_ill_formed_spec_is_rejected_with_a_clear_error_before_any_tensor_exists() =>
        Prop.ForAll(FsGen.Choose(0, int.MaxValue - 1).ToArbitrary(), seed =>
        {
            var c = IllFormedSpecs.Any(new Random(seed));
            long before = TensorsCreated();
            var e = Record.Exception(c.Declare);
            Rejection.AssertClear(e, c.ToString(), c.Path, c.Words);
            Assert.True(before == TensorsCreated(), $"{c}: {TensorsCreated() - before} tensors were created before the error");
        });

    [Fact]
    public void The_generator_draws_every_kind_of_defect()
    {
        // Each kind is picked uniformly; 2000 draws miss one of 34 kinds with probability below 1e-20.
        var r = new Random(0);
        var seen = Enumerable.Range(0, 2000).Select(_ => r.Next(IllFormedSpecs.Kinds.Count)).Distinct().Count();
        Assert.Equal(IllFormedSpecs.Kinds.Count, seen);
        // And a kind's cases are not all the same case.
        foreach (var (kind, draw) in IllFormedSpecs.Kinds)
        {
            var defects = Enumerable.Range(0, 30).Select(i => draw(new Random(i)).Defect).Distinct().Count();
            Assert.True(defects > 1, $"{kind} always draws the same case");
        }
    }

    [Fact]
    public void A_well_formed_spec_beside_each_defect_is_accepted()
    {
        // The checks are not so strict that the well-formed parts the generator uses are refused.
        var r = new Random(1);
        for (int i = 0; i < 200; i++)
        {
            _ = Checkpoints.RandomSpecs.Any(r);
        }

        // The tensor count the property relies on does see a new tensor.
        long before = TensorsCreated();
        using var probe = torch.zeros(1);
        Assert.True(TensorsCreated() > before);

        using var flow = Flow.Over(Dist.StandardNormal(3)).Then(Bij.MaskedAutoregressive(8).WithActivation(Activation.Tanh)).Compile(Device.Cpu);
        using var gan = new GanSpec(2, new ValueList<int>(new[] { 3 }), Net.Mlp(4), Net.Mlp(4), true, 2).Compile(Device.Cpu);
        Assert.Equal(new long[] { 5, 3 }, gan.SampleGiven(torch.tensor(new long[] { 0, 1, 1, 0, 1 })).shape);
    }
}
