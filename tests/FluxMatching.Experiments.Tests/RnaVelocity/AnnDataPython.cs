namespace FluxMatching.Tests.RnaVelocity;

using System.Diagnostics;

/// <summary>Runs Python scripts against the real AnnData library (Debian's python3-anndata; tools/test-all.sh
/// installs it).</summary>
internal static class AnnDataPython
{
    /// <summary>Runs a script; returns stdout, or fails the test with stderr.</summary>
    public static string Run(string script, params string[] args)
    {
        string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add("-");
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start)!;
        p.StandardInput.Write(script);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"python failed (is python3-anndata installed? apt-get install python3-anndata):\n{stderr.Result}");
        return stdout.Result;
    }

    /// <summary>Writes a small scVelo-like AnnData file: 90 cells, 6 genes, three clusters; Mu dense float32, Ms CSR
    /// float64, X CSR, categorical obs "clusters", obsm X_umap and X_pca, obsp distances/connectivities.
    /// Values: Mu[i, j] = 0.1·i + j, Ms[i, j] = 0 when (i + j) % 4 == 0 else 0.01·i + 0.5·j.</summary>
    public const string WriteScript = """
import sys, numpy as np, pandas as pd, anndata as ad, scipy.sparse as sp
n, g = 90, 6
i = np.arange(n)[:, None]; j = np.arange(g)[None, :]
mu = (0.1 * i + j).astype(np.float32)
ms = np.where((i + j) % 4 == 0, 0.0, 0.01 * i + 0.5 * j)
clusters = pd.Categorical(np.array(["A", "B", "C"])[np.arange(n) * 3 // n], categories=["A", "B", "C"])
a = ad.AnnData(X=sp.csr_matrix(ms), obs=pd.DataFrame({"clusters": clusters, "n": np.arange(n)}, index=[f"c{k}" for k in range(n)]),
               var=pd.DataFrame(index=[f"g{k}" for k in range(g)]))
a.layers["Mu"] = mu
a.layers["Ms"] = sp.csr_matrix(ms)
a.obsm["X_umap"] = np.stack([np.arange(n, dtype=float), np.sin(np.arange(n))], 1)
a.obsm["X_pca"] = np.stack([np.arange(n, dtype=float)] * 3, 1)
rows, cols, vals = [], [], []
for c in range(n):
    for d, m in enumerate([x for x in (c - 2, c - 1, c + 1, c + 2) if 0 <= x < n]):
        rows.append(c); cols.append(m); vals.append(float(abs(m - c)))
a.obsp["distances"] = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
a.obsp["connectivities"] = sp.csr_matrix((np.ones(len(vals)), (rows, cols)), shape=(n, n))
a.uns["neighbors"] = {"params": {"n_neighbors": 5}}
a.write_h5ad(sys.argv[1])
""";
}
