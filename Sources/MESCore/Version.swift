public enum MESCoreVersion { public static let value = "0.1.0" }
