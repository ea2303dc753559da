/// Gen.Probability's distributions and bijectors used from F#, with Gen.Testing's laws.
module Gen.FSharp.Tests.ProbabilityTests

open Gen
open Gen.Data
open Gen.Optimization
open Gen.Probability
open Gen.Probability.Bijectors
open Gen.Probability.Distributions
open Gen.Testing
open FsCheck.FSharp
open FsCheck.Xunit
open TorchSharp
open Xunit
open Gen.FSharp.Tests.Common

let private f64 (values: float list) = torch.tensor(List.toArray values, dtype = torch.float64)

[<Fact>]
let ``Distributions obey the laws from F#`` () =
    init ()
    let normal = Normal(f64 [ 0.5; -1.0 ], f64 [ 1.0; 2.0 ])
    DistributionLaws.SampleAndLogProbAgrees(normal, generator = Seed.Generator 1L)
    DistributionLaws.MomentsMatch(Gamma(f64 [ 2.0; 0.5 ], f64 [ 1.0; 3.0 ]), generator = Seed.Generator 2L)
    DistributionLaws.IntegratesToOne(Beta(f64 [ 2.0 ], f64 [ 3.0 ]), 1e-9, 1.0 - 1e-9)
    let other = Normal(f64 [ 0.0; 0.0 ], f64 [ 1.5; 1.0 ])
    DistributionLaws.KlIsNonNegative(normal, other)
    DistributionLaws.KlAgreesWithMonteCarlo(normal, other, generator = Seed.Generator 3L)
    // A violated law is reported, not passed over.
    Assert.Throws<LawViolationException>(fun () -> DistributionLaws.IntegratesToOne(Normal(f64 [ 0.0 ], f64 [ 1.0 ]), 0.0, 5.0)) |> ignore

[<Property(MaxTest = 25)>]
let ``Random chains of bijectors obey the bijector laws`` () =
    init ()
    Prop.forAll (Arbitraries.Chains(3L, 3)) (fun drawn ->
        let x = torch.randn([| 5L; 3L |], dtype = torch.float64, generator = Seed.Generator(int64 drawn.Seed))
        BijectorLaws.All(drawn.Value, x))

[<Fact>]
let ``A transformed distribution with a learnable affine map fits the moons`` () =
    // Parameters are ordinary module parameters; the distribution is a cheap value rebuilt from them on every step.
    let data = moons ()
    let shift = torch.nn.Parameter(torch.zeros(2L))
    let logScale = torch.nn.Parameter(torch.zeros(2L))
    let fitted () : IDistribution =
        ElementwiseAffine(shift, logScale, eventRank = 1).Transform(Independent(Normal(torch.zeros(2L), torch.ones(2L)), 1))
    let nll () = -(fitted ()).LogProb(data).mean()
    use adam = new FusedAdam([ shift; logScale ], 5e-2)
    let before = (nll ()).item<float32>()
    for _ in 1 .. 100 do
        use _ = torch.NewDisposeScope()
        let loss = nll ()
        adam.ZeroGrad()
        loss.backward()
        adam.Step()
    assertImproved "affine" 0.3f (before, (nll ()).item<float32>())
    use _ = torch.no_grad()
    let q = fitted ()
    Assert.Equal<int64[]>([| 4L; 2L |], q.Sample([| 4L |], Seed.Generator 1L).shape)
    DistributionLaws.SampleAndLogProbAgrees(q, tolerance = 1e-5, generator = Seed.Generator 2L)
