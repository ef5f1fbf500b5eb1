"""垃圾分类积分: deposits at sorting bins credit a household's points; service points redeem them."""
