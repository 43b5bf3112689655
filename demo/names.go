package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"
)

// County is the demo county: a fictional name with a code in the unused 9901
// range of Henan (41), so it never matches a real county.
const (
	CountyName = "青山县"
	CountyCode = "419901000000"
	idPrefix   = "419901" // resident ID numbers issued in the county
)

// township is one entry of the township list: its name, its username for the
// demo township operator, its kind and whether it is part of the county seat.
type township struct {
	name, pinyin string
	kind         string // "street", "town" (镇) or "xiang" (乡)
	seat         bool
}

// townships are taken in this order: the seat town first and another town second,
// so even a small demo has the two township operators, then the seat's streets.
var townships = []township{
	{"城关镇", "chengguan", "town", true}, {"石门镇", "shimen", "town", false},
	{"东城街道", "dongcheng", "street", true}, {"西城街道", "xicheng", "street", true},
	{"柳林乡", "liulin", "xiang", false}, {"白河镇", "baihe", "town", false},
	{"桃园镇", "taoyuan", "town", false}, {"龙泉镇", "longquan", "town", false},
	{"松岭乡", "songling", "xiang", false}, {"清水镇", "qingshui", "town", false},
	{"黄土岭镇", "huangtuling", "town", false}, {"马坊镇", "mafang", "town", false},
	{"杨集乡", "yangji", "xiang", false}, {"双河镇", "shuanghe", "town", false},
	{"梨花乡", "lihua", "xiang", false}, {"新店镇", "xindian", "town", false},
	{"高庙乡", "gaomiao", "xiang", false}, {"大峪镇", "dayu", "town", false},
	{"云台乡", "yuntai", "xiang", false}, {"枣林镇", "zaolin", "town", false},
	{"北岗乡", "beigang", "xiang", false}, {"金沙镇", "jinsha", "town", false},
	{"槐树乡", "huaishu", "xiang", false}, {"西河镇", "xihe", "town", false},
}

// MaxTownships is the most townships Options may ask for: the length of the
// township name list.
const MaxTownships = 24

// Syllables of village names: a family or a landmark, then a kind of settlement.
var (
	villageHeads = strings.Fields(`张 李 王 刘 陈 杨 赵 黄 周 吴 徐 孙 马 胡 朱 郭 何 高 林 罗 郑 梁 宋 谢 韩 冯
		曹 彭 董 袁 潘 蒋 蔡 杜 程 魏 吕 丁 任 姚 卢 崔 贾 范 石 侯 孟 牛 申 常 杨树 柳树 枣树 槐树 桃花 杏花 梨园
		大 小 前 后 东 西 南 北 上 下 新 老 黄土 白石 青石 红石 双庙 三里 五里 十里 七星 龙王 观音 卧龙 凤凰 金鸡 水磨`)
	villageTails = strings.Fields(`庄 家庄 家湾 营 楼 寨 岗 沟 洼 店 集 桥 坡 屯 堡 河 园 岭 坪 铺 湾 口 峪 窑 台 村 庙 沟口 河湾 家岭`)
	// communityNames are the usual names of urban residents' committees.
	communityNames = strings.Fields(`新华 建设 人民 文化 和平 解放 胜利 幸福 光明 友谊 团结 东风 朝阳 向阳 育才
		滨河 迎宾 锦绣 花园 金桥 龙湖 翠苑 康宁 丰收 春华 青山 府前 钟楼 鼓楼 南关 北关 东关 西关 书院 学府
		工农 红旗 新民 振兴 繁荣 安居 怡和 华苑 阳光 如意 清河 桂园 望湖 晨光 兴隆 永安 吉祥 惠民 秀水 东苑`)
	surnames = strings.Fields(`王 王 王 李 李 李 张 张 张 刘 刘 陈 陈 杨 杨 赵 赵 黄 周 吴 徐 孙 马 马 朱 胡 郭 郭 何 高
		林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔
		钟 谭 陆 汪 范 金 石 廖 贾 夏 付 方 白 邹 孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯 龙 史 陶 贺 顾 毛 郝 龚 邵 万 牛 申 常`)
	maleGiven = strings.Fields(`伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 宇 浩 凯 健 俊 帆 建 国 志 文 海 林
		峰 博 振 东 龙 亮 成 新 立 永 庆 春 光 晓 旭 毅 晨 阳 兴 德 福 生 学 喜 保 松`)
	femaleGiven = strings.Fields(`芳 娜 敏 静 丽 艳 娟 霞 燕 玲 红 梅 莉 婷 雪 慧 颖 琳 洁 倩 萍 秀 英 桂 兰 凤 云 琴 悦 佳
		欣 月 晶 瑶 璐 蕾 薇 荣 素 翠 金 玉 彩 爱 冬 春 丹 晓 萌 茜`)
)

// numeral writes 1–99 in Chinese: 一, 十, 十二, 二十, 二十三.
func numeral(n int) string {
	d := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return d[n]
	case n < 20:
		return "十" + d[n%10]
	case n < 100:
		return d[n/10] + "十" + d[n%10]
	}
	return fmt.Sprint(n)
}

// names hands out names that are unique where they must be.
type names struct {
	rng  *rand.Rand
	used map[string]bool
}

// village returns a new village name: 张庄村, 杨树沟村, 白石岭村.
func (n *names) village() string {
	for try := 0; ; try++ {
		head := villageHeads[n.rng.IntN(len(villageHeads))]
		tail := villageTails[n.rng.IntN(len(villageTails))]
		if tail == "村" || utf8.RuneCountInString(head+tail) > 4 {
			continue
		}
		s := head + tail + "村"
		if try > 1000 {
			s = fmt.Sprintf("%s%s%s村", head, numeral(try%99+1), tail)
		}
		if !n.used[s] {
			n.used[s] = true
			return s
		}
	}
}

// community returns a new community name: 新华社区, then 新华东社区 once the plain
// names run out.
func (n *names) community() string {
	for _, suffix := range []string{"", "东", "西", "南", "北", "路", "街", "里"} {
		start := n.rng.IntN(len(communityNames))
		for k := range communityNames {
			s := communityNames[(start+k)%len(communityNames)] + suffix + "社区"
			if !n.used[s] {
				n.used[s] = true
				return s
			}
		}
	}
	return n.village()
}

// person returns a name and sex (true for male): a surname and one or two
// characters of given name.
func (n *names) person() (string, bool) {
	male := n.rng.IntN(2) == 0
	given := femaleGiven
	if male {
		given = maleGiven
	}
	pick := func() string {
		for {
			if g := given[n.rng.IntN(len(given))]; utf8.RuneCountInString(g) == 1 {
				return g
			}
		}
	}
	name := surnames[n.rng.IntN(len(surnames))] + pick()
	if n.rng.IntN(10) < 7 {
		name += pick()
	}
	return name, male
}

// idNumber returns a unique resident ID number issued in the county: the county
// prefix, a birth date between 1962 and 2002, a sequence whose last digit is odd
// for men and even for women, and the GB 11643 check character.
func (n *names) idNumber(male bool) string {
	for {
		birth := time.Date(1962, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n.rng.IntN(41*365))
		seq := n.rng.IntN(500) * 2
		if male {
			seq++
		}
		s := idPrefix + birth.Format("20060102") + fmt.Sprintf("%03d", seq)
		s += string(idCheck(s))
		if !n.used[s] {
			n.used[s] = true
			return s
		}
	}
}

// idCheck is the GB 11643-1999 check character (ISO 7064 MOD 11-2) of the
// first 17 digits.
func idCheck(s string) byte {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	return "10X98765432"[sum%11]
}

// phone returns a unique mainland mobile number.
func (n *names) phone() string {
	prefixes := strings.Fields("130 131 132 133 135 136 137 138 139 150 151 152 155 156 157 158 159 166 176 177 180 181 182 183 185 186 187 188 189 191 199")
	for {
		s := prefixes[n.rng.IntN(len(prefixes))] + fmt.Sprintf("%08d", n.rng.IntN(100_000_000))
		if !n.used[s] {
			n.used[s] = true
			return s
		}
	}
}

// Start and end days of positions fall between these.
var (
	firstDay = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	lastDay  = time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)
)

// day returns a day between from and to, inclusive.
func (n *names) day(from, to time.Time) time.Time {
	span := int(to.Sub(from).Hours() / 24)
	return from.AddDate(0, 0, n.rng.IntN(max(span, 0)+1))
}

func ymd(t time.Time) string { return t.Format("2006-01-02") }
