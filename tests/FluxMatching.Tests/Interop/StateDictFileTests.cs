namespace FluxMatching.Tests.Interop;

using System.IO.Compression;
using System.Text;
using FluxMatching.Fields.Images;
using FluxMatching.Interop;
using FluxMatching.Tests.Fields.Images;

public class StateDictFileTests
{
    [Fact]
    public void Tensors_written_are_read_back_exactly_with_their_dtypes()
    {
        string path = Path.GetTempFileName();
        try
        {
            var a = randn(3, 4, dtype: ScalarType.Float64);
            var b = tensor(new long[] { 1, -2, 3 });
            StateDictFile.Write(path, new Dictionary<string, Tensor> { ["layer.weight"] = a, ["count"] = b });
            var read = StateDictFile.Read(path);
            Assert.Equal(2, read.Count);
            Assert.True(read["layer.weight"].equal(a).all().item<bool>());
            Assert.True(read["count"].equal(b).all().item<bool>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Large_tensors_round_trip_and_are_written_uncompressed_like_torch_save()
    {
        string path = Path.GetTempFileName();
        try
        {
            var big = randn(3_000_000, generator: new Generator(5));
            StateDictFile.Write(path, new Dictionary<string, Tensor> { ["big"] = big });
            using (var zip = ZipFile.OpenRead(path))
            {
                Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength));
            }

            Assert.True(StateDictFile.Read(path)["big"].equal(big).all().item<bool>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_deflated_archive_is_read_whole()
    {
        // PyBridge's own writer deflates its entries (torch.save stores them): such a file reads back whole.
        var big = randn(2_000_000, generator: new Generator(6));
        var table = new System.Collections.Hashtable { ["big"] = big };
        var packed = new MemoryStream();
        TorchSharp.PyBridge.PyTorchPickler.PickleStateDict(packed, table, leaveOpen: true);
        packed.Position = 0;
        Assert.True(StateDictFile.Read(packed, "deflated.pt")["big"].equal(big).all().item<bool>());
    }

    [UNetFixtureFact]
    public void The_authors_weights_file_holds_exactly_the_unets_parameters_by_name()
    {
        var read = StateDictFile.Read(Path.Combine(SharedFixtures.UNetDirectory!, "unet_f64_8px.weights.pt"));
        using var net = new UNet(UNetTests.Small);
        var expected = net.state_dict();
        Assert.Equal(expected.Keys.Order(), read.Keys.Order());
        foreach (var (name, t) in expected)
        {
            Assert.Equal(t.shape, read[name].shape);
            Assert.Equal(ScalarType.Float64, read[name].dtype);
        }
    }

    [Fact]
    public void A_pickle_that_names_a_python_function_is_refused_before_unpickling()
    {
        // protocol 2: posix.system("touch pwned") — what a malicious "checkpoint" would carry.
        var pickle = Concat([0x80, 0x02], Ascii("cposix\nsystem\n"), [(byte)'X', 11, 0, 0, 0],
            Ascii("touch pwned"), [0x85, (byte)'R', (byte)'.']);
        var e = Assert.Throws<InvalidDataException>(() => StateDictFile.Read(Archive(pickle), "evil.pt"));
        Assert.Contains("'posix.system'", e.Message);
        Assert.StartsWith("'evil.pt' is not a PyTorch state dict of tensors", e.Message);
    }

    [Fact]
    public void A_stack_global_naming_a_builtin_is_refused()
    {
        var pickle = Concat([0x80, 0x04, 0x8c, 8], Ascii("builtins"), [0x8c, 4], Ascii("eval"),
            [0x93, 0x8c, 1, (byte)'1', 0x85, (byte)'R', (byte)'.']);
        var e = Assert.Throws<InvalidDataException>(() => StateDictFile.Read(Archive(pickle), "x.pt"));
        Assert.Contains("'builtins.eval'", e.Message);
    }

    [Fact]
    public void A_storage_claiming_more_elements_than_its_entry_holds_is_refused_without_allocating_them()
    {
        // ("storage", torch.FloatStorage, "0", "cpu", 2^31 − 1) as a persistent id; the entry holds 16 bytes.
        var pickle = Concat([0x80, 0x02, (byte)'(', (byte)'X', 7, 0, 0, 0], Ascii("storage"),
            Ascii("ctorch\nFloatStorage\n"), [(byte)'X', 1, 0, 0, 0], Ascii("0"), [(byte)'X', 3, 0, 0, 0],
            Ascii("cpu"), [(byte)'J', 0xff, 0xff, 0xff, 0x7f, (byte)'t', (byte)'Q', (byte)'.']);
        var e = Assert.Throws<InvalidDataException>(() => StateDictFile.Read(Archive(pickle, 16), "big.pt"));
        Assert.Contains("claims 2147483647 elements", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_zip_archive_is_refused_with_one_message()
    {
        var e = Assert.Throws<InvalidDataException>(
            () => StateDictFile.Read(new MemoryStream(Ascii("just text, not torch.save")), "notes.txt"));
        Assert.Equal("'notes.txt' is not a PyTorch state dict of tensors: it is not a zip archive (torch.save's " +
                     "format since PyTorch 1.6).", e.Message);
    }

    [Fact]
    public void A_missing_file_names_the_path()
    {
        var e = Assert.Throws<FileNotFoundException>(() => StateDictFile.Read("/nonexistent/model.pt"));
        Assert.Contains("/nonexistent/model.pt", e.Message);
    }

    private static MemoryStream Archive(byte[] pickle, int dataBytes = 0)
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var s = zip.CreateEntry("archive/data.pkl").Open())
            {
                s.Write(pickle);
            }

            using (var s = zip.CreateEntry("archive/data/0").Open())
            {
                s.Write(new byte[dataBytes]);
            }
        }

        stream.Position = 0;
        return stream;
    }

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
