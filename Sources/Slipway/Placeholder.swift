public enum SlipwayPlaceholder {}
