module Gen.FSharp.Tests.ReadmeSnippetTests

open System
open System.IO
open Gen
open Gen.Data
open Gen.Dsl
open Gen.Runtime
open TorchSharp
open Xunit

/// The README's F# snippet, verbatim between the markers; returns the first and last loss.
let private snippet () =
    GenRuntime.EnsureLoaded()
    Seed.Everything 0L
    let losses = Collections.Generic.List<float32>()
    // README:begin
    let spec =
        Flow.Over(Dist.StandardNormal 64)
            .Then(Bij.AffineCoupling(Mask.Alternating 64, Net.Mlp(128, 128)))
            .Then(Bij.Reverse())
            .Repeat 4

    use model = spec.Compile(Device.Cpu, seed = 0L)
    let pixels = Digits.Load(Device.Cpu).Images
    let x = (pixels + torch.rand(pixels.shape)) / 17.0f
    let optimizer = torch.optim.Adam(model.parameters(), lr = 1e-3)
    for _ in 1 .. 50 do
        use scope = torch.NewDisposeScope()
        let loss = -(model.LogProb(x).mean())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step() |> ignore
    // README:end
        losses.Add(loss.item<float32>())
    losses.[0], losses.[losses.Count - 1]

let private repositoryFile name =
    let rec up (dir: DirectoryInfo) =
        if isNull dir then failwith "Gen.sln not found above the test folder"
        elif File.Exists(Path.Combine(dir.FullName, "Gen.sln")) then dir.FullName
        else up dir.Parent
    Path.Combine(up (DirectoryInfo AppContext.BaseDirectory), name)

let private normalise (code: string) =
    code.Replace("\r", "").Split('\n')
    |> Array.map (fun l -> l.Trim())
    |> Array.filter (fun l -> l.Length > 0)
    |> String.concat "\n"

[<Fact>]
let ``The README shows the tested F# snippet`` () =
    let readme = File.ReadAllText(repositoryFile "README.md")
    let start = readme.IndexOf("```fsharp\n") + "```fsharp\n".Length
    let block = readme.Substring(start, readme.IndexOf("```", start) - start)
    let code = File.ReadAllText(repositoryFile "tests/Gen.FSharp.Tests/ReadmeSnippetTests.fs")
    let b = code.IndexOf("README:begin")
    let e = code.IndexOf("README:end")
    let marked = code.Substring(b, e - b).Split('\n') |> Array.skip 1 |> Array.take (code.Substring(b, e - b).Split('\n').Length - 2)
    Assert.Equal(normalise (String.Join("\n", marked)), normalise block)

[<Fact>]
let ``The README F# snippet runs and learns`` () =
    let before, after = snippet ()
    Assert.True(after < before - 20.0f, sprintf "loss went from %f to %f" before after)
